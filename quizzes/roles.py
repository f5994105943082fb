"""The teacher role: members of the Teachers group (and superusers)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

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
    """A context processor: `is_teacher` for the navigation."""
    user = getattr(request, "user", None)
    # A callable: templates call it only where they ask (htmx fragments never do).
    return {"is_teacher": lambda: user is not None and is_teacher(user)}


def teacher_required(view):
    """Teachers only: anonymous users go to log in, students get 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_teacher(request.user):
            raise PermissionDenied(_("Only teachers can use the Teach area."))
        return view(request, *args, **kwargs)

    return wrapper
