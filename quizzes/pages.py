"""Whole learner pages kept in the shared cache, for repeat views of an unchanged page.

A page is kept under a key made of exactly what it shows: the path, the signed-in user
(id, name, staff and teacher roles), the "Review (N)" count, and two stamps, one for the
learner's own data and one for everything else. Nothing is ever invalidated by deleting
pages: a write changes a stamp, so the next request asks for a new key, and unused pages
expire.

- **Which writes count** is read off the SQL itself (`track_writes`, installed on every
  database connection): any INSERT, UPDATE or DELETE, whether it comes from a view, the
  admin, a bulk update or a management command. A write to a learner's tables (attempts,
  answers, progress, mastery, review cards and logs, class memberships) made in a
  student's own request changes that student's stamp; anything else (course content,
  questions, classes, and a teacher's, an admin's or a command's write to learners'
  tables) changes the stamp shared by every page. Sessions, sign-ins, login throttling and
  groups change no stamp: the user's name and roles are part of the key.
- **When**: a stamp changes once the write is committed (`transaction.on_commit`), so a
  page rendered from the state before a write is never kept under the stamp after it.
- **Per request**, the CSRF token is filled into the kept page (it is rendered with a
  placeholder), and a page with messages to show is neither served from nor kept in the
  cache. htmx fragments and pages asked for with a query string are never kept.

Kept pages need a cache that every worker and server shares: the page cache is on only
with REDIS_URL (or DJANGO_PAGE_CACHE=1, for a test).
"""

import functools
import hashlib
import re
import secrets
import threading
from collections import OrderedDict
from contextvars import ContextVar

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import empty

from quizzes.review import services as review_services
from quizzes.roles import is_teacher

# Rendered in place of the CSRF token; replaced by the request's own token.
PLACEHOLDER = "csrf-token-filled-in-per-request-6b1f0c2e9d"
TIMEOUT = 600
SHARED_STAMP = "page-stamp:all"
LEARNER_TABLES = frozenset(
    {
        "quizzes_attempt",
        "quizzes_answer",
        "quizzes_progress",
        "quizzes_mastery",
        "quizzes_reviewcard",
        "quizzes_reviewlog",
        "quizzes_membership",
    }
)
# Writes that change no kept page: sessions, the user's row (last_login; name and roles
# are in the key), groups (the teacher role is in the key), login throttling, the admin's
# log, import previews.
UNSEEN_TABLES = frozenset(
    {
        "django_session",
        "django_admin_log",
        "auth_user",
        "auth_group",
        "auth_user_groups",
        "auth_group_permissions",
        "auth_user_user_permissions",
        "auth_permission",
        "axes_accessattempt",
        "axes_accessfailurelog",
        "axes_accesslog",
        "quizzes_importupload",
    }
)
WRITE = re.compile(
    r"\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)"
    r"\s+\"?(\w+)\"?",
    re.IGNORECASE,
)
WRITE_VERBS = frozenset({"INSERT", "UPDATE", "DELETE", "REPLAC"})
_current_request = ContextVar("page_cache_request", default=None)


class _Recent:
    """The pages this process served last, by key. A key names the stamps a page was
    built under, so what it holds never changes: a copy here is as current as the shared
    cache's, and serving it saves a round trip to Redis. Bounded, oldest dropped first."""

    def __init__(self, size: int):
        self.size = size
        self.pages: OrderedDict[str, str] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self.lock:
            body = self.pages.get(key)
            if body is not None:
                self.pages.move_to_end(key)
            return body

    def put(self, key: str, body: str) -> None:
        with self.lock:
            self.pages[key] = body
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


# At most this many pages per process (about 40 KB each at most: some 10 MB).
_recent = _Recent(256)


def learner_stamp(user_id: int) -> str:
    return f"page-stamp:learner:{user_id}"


def enabled() -> bool:
    return settings.PAGE_CACHE


class RequestMiddleware:
    """Makes the request known to `track_writes` (whose student is writing)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def _writing_student() -> int | None:
    """The signed-in student of the current request, if already loaded (a view that
    writes has loaded its user); None for a teacher, an admin, or no request."""
    request = _current_request.get()
    user = getattr(request, "user", None) if request is not None else None
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    if not user.is_authenticated or user.is_staff or is_teacher(user):
        return None
    return user.pk


def stamp_changed_by(sql: str) -> str | None:
    """The stamp a statement changes, or None (a read, or a table no page shows)."""
    if sql.lstrip()[:6].upper() not in WRITE_VERBS:
        return None
    match = WRITE.match(sql)
    if match is None:
        return None
    table = match.group(1).lower()
    if table in UNSEEN_TABLES:
        return None
    if table in LEARNER_TABLES and (student := _writing_student()) is not None:
        return learner_stamp(student)
    return SHARED_STAMP


class _Renew:
    """An on-commit callback that gives a stamp a new value; equal for the same stamp, so
    a transaction of many writes renews each stamp once."""

    def __init__(self, stamp: str):
        self.stamp = stamp

    def __eq__(self, other):
        return isinstance(other, _Renew) and other.stamp == self.stamp

    def __hash__(self):
        return hash(self.stamp)

    def __call__(self):
        cache.set(self.stamp, secrets.token_hex(8), None)


def track_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if enabled() and (stamp := stamp_changed_by(sql)) is not None:
        db = context["connection"]
        renew = _Renew(stamp)
        if not any(callback == renew for _ids, callback, _robust in db.run_on_commit):
            transaction.on_commit(renew, using=db.alias)
    return result


def install(sender=None, connection=connection, **kwargs):
    """Track the writes of a new database connection (the connection_created signal)."""
    if track_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(track_writes)


def _stamps(keys: list[str], found: dict) -> list[str]:
    values = []
    for key in keys:
        value = found.get(key)
        if value is None:
            value = secrets.token_hex(8)
            if not cache.add(key, value, None):
                value = cache.get(key, value)
        values.append(value)
    return values


def _page_key(request, view_name: str) -> str:
    """The key of what this request's page shows."""
    user = request.user
    stamp_keys = [SHARED_STAMP]
    identity = (None,)
    if user.is_authenticated:
        due_key = review_services.due_key(user.pk)
        stamp_keys.append(learner_stamp(user.pk))
        found = cache.get_many([*stamp_keys, due_key])
        # "Review (N)": no count where the due times are not known yet (not read here).
        times = found.get(due_key)
        due = (
            None if times is None else review_services.due_count(times, timezone.now())
        )
        identity = (user.pk, user.get_username(), user.is_staff, is_teacher(user), due)
    else:
        found = cache.get_many(stamp_keys)
    stamps = _stamps(stamp_keys, found)
    request._shared_stamp = stamps[0]  # for kept_content, while the view runs
    parts = (view_name, request.path, identity, stamps)
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def kept_content(name: str, build):
    """Course content that is the same for every learner (published articles, their
    lessons), kept under the stamp of everything but learners' own data: any committed
    change to the course gives it a new key. `build()` makes it when it is not kept;
    without the stamps (no shared cache) it is always built."""
    if not enabled():
        return build()
    request = _current_request.get()
    stamp = getattr(request, "_shared_stamp", None) or cache.get(SHARED_STAMP)
    if stamp is None:
        return build()
    key = f"content:{name}:{stamp}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value


def _has_messages(request) -> bool:
    return len(messages.get_messages(request)) > 0


def kept(view):
    """Serve the view's page from the cache when nothing it shows has changed."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            not enabled()
            or request.method != "GET"
            or getattr(request, "htmx", False)
            or getattr(request, "_page_cache_seen", False)
            # Only the page itself: a query string (?highlight=, or any made-up one)
            # would let anyone fill the cache with copies of one page.
            or request.META.get("QUERY_STRING")
            or _has_messages(request)
        ):
            return view(request, *args, **kwargs)
        request._page_cache_seen = True  # a view it calls is not kept a second time
        key = _page_key(request, view.__qualname__)
        body = _recent.get(key)
        if body is None:
            body = cache.get(key)
            if body is not None:
                _recent.put(key, body)
        if body is not None:
            return HttpResponse(body.replace(PLACEHOLDER, get_token(request)))
        response = view(request, *args, **kwargs)
        if isinstance(response, TemplateResponse) and response.status_code == 200:
            response.context_data = {
                **(response.context_data or {}),
                "csrf_token": PLACEHOLDER,
            }
            response.add_post_render_callback(functools.partial(_keep, request, key))
        return response

    return wrapper


def _keep(request, key: str, response) -> None:
    body = response.content.decode()
    cache.set(key, body, TIMEOUT)
    _recent.put(key, body)
    response.content = body.replace(PLACEHOLDER, get_token(request))
