"""Deployment checks of our own settings (run by `manage.py check --deploy`)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning


def check_site_url(app_configs, **kwargs) -> list[Warning]:
    """Production builds links in emails from DJANGO_SITE_URL, never from the Host header."""
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme in {"http", "https"} and parts.netloc:
        return []
    return [
        Warning(
            "DJANGO_SITE_URL is not set to the site's address (e.g. "
            "https://relations.example.org): password-reset links would be built from "
            "the request's Host header.",
            id="relations.W001",
        )
    ]
