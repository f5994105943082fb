"""The addresses every page's frame links to, worked out once per process.

The base template links to the same eleven pages and three static files on every page;
`{% url %}` and `{% static %}` work each one out again on every render (about 0.45 ms of a
page's 1.2 ms frame, measured in docs/SPEED.md). They depend only on the URL
configuration, the script prefix and the static files' manifest, which do not change
while the process runs."""

import functools

from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

PAGES = {
    "home": "quizzes:home",
    "my_progress": "quizzes:my_progress",
    "review": "review:index",
    "my_classes": "classes:my_classes",
    "teach": "teach:index",
    "admin": "admin:index",
    "password_change": "password_change",
    "logout": "logout",
    "login": "login",
    "signup": "signup",
}
STATIC = {
    "css": "css/site.css",
    "favicon": "img/favicon.svg",
    "js": "js/site.js",
}


@functools.cache
def _addresses(script_prefix: str) -> dict:
    return {
        **{name: reverse(view) for name, view in PAGES.items()},
        **{name: static(path) for name, path in STATIC.items()},
    }


def frame(request) -> dict:
    """A context processor: `frame.home`, `frame.css`... for templates/base.html."""
    return {"frame": _addresses(get_script_prefix())}
