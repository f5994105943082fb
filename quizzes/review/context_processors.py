import functools

from django.http import HttpRequest
from django.utils import timezone

from quizzes.review import services


def review_due(request: HttpRequest) -> dict:
    """ "Review (N)" in the navigation: read from the cache, never a query on a page."""
    user = getattr(request, "user", None)

    @functools.cache  # asked for by the navigation and by the outline: one cache read
    def count() -> int | None:
        if user is None or not user.is_authenticated:
            return None
        return services.cached_due_count(user, timezone.now())

    return {"review_due": count}
