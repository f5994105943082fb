"""The teacher role: members of the Teachers group (and superusers)."""

import functools
from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
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
        users = get_user_model()
        try:
            pk = users._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        found = list(
            users._default_manager.raw(_user_with_role_sql(), [TEACHERS_GROUP, pk])
        )
        if not found:
            return None
        user = found[0]
        user._is_teacher = bool(user._is_teacher)  # SQLite answers EXISTS with 0 or 1
        return user if self.user_can_authenticate(user) else None


@functools.cache
def _user_with_role_sql() -> str:
    """The user's row and whether they are in the Teachers group, in one statement.

    Written once rather than built by the ORM per request: compiling the annotated
    queryset cost about 0.8 ms of every signed-in request, the query itself 0.1 ms."""
    users = get_user_model()
    memberships = users.groups.through._meta
    quote = connection.ops.quote_name
    user_table, group_table = quote(users._meta.db_table), quote(Group._meta.db_table)
    member_table = quote(memberships.db_table)
    user_column = quote(memberships.get_field("user").column)
    group_column = quote(memberships.get_field("group").column)
    pk = quote(users._meta.pk.column)
    return (
        f"SELECT u.*, EXISTS (SELECT 1 FROM {member_table} m"
        f" INNER JOIN {group_table} g ON g.{quote('id')} = m.{group_column}"
        f" WHERE m.{user_column} = u.{pk} AND g.{quote('name')} = %s)"
        f" AS {quote('_is_teacher')}"
        f" FROM {user_table} u WHERE u.{pk} = %s"
    )


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
