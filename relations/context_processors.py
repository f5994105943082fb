from django.http import HttpRequest

TEACHERS_GROUP = "Teachers"


def is_teacher(user) -> bool:
    """Teachers are members of the Teachers group; superusers may teach too."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # Cached on the user object: the navigation asks on every page.
    if not hasattr(user, "_is_teacher"):
        user._is_teacher = user.groups.filter(name=TEACHERS_GROUP).exists()
    return user._is_teacher


def roles(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    # A callable: templates call it only where they ask (htmx fragments never do).
    return {"is_teacher": lambda: user is not None and is_teacher(user)}
