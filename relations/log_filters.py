"""Logging filters (wired in settings.LOGGING)."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404

EXPECTED = (Http404, PermissionDenied)


class ExpectedRefusalsInOneLine(logging.Filter):
    """A 404 or 403 is the site answering as designed, not a fault: keep the record
    ("Not Found: /path", "Forbidden (Permission denied): /path") but drop its
    traceback, so the log stays one line per refusal and real errors stand out."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], EXPECTED):
            record.exc_info = None
            record.exc_text = None
        return True
