"""The teacher role: members of the Teachers group (and superusers)."""

from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
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


class RoleBackend(ModelBackend):
    """Django's model backend, but the signed-in user of each request is loaded with the
    teacher role in the same query (an EXISTS on the Teachers group): the navigation asks
    on every page, and this costs no query of its own. Loaded per request, so a change of
    groups shows on the user's next request, on every worker and server, with nothing to
    invalidate.

    Django's ModelBackend stays listed after it only so that sessions signed in before it
    was added keep working; a failed password stops here, so that it is not hashed again
    there."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username, password, **kwargs)
        if user is None and password is not None:
            raise PermissionDenied  # the same failure, signalled once, no second hash
        return user

    def get_user(self, user_id):
        teachers = Group.objects.filter(name=TEACHERS_GROUP, user=OuterRef("pk"))
        users = get_user_model()._default_manager.annotate(_is_teacher=Exists(teachers))
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


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
