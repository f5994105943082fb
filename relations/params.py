"""Numbers read from a query string: ASCII digits that fit a database id, or 404."""

import re

from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

# At most 18 digits: every such number fits a 64-bit id column, on every database.
_ID = re.compile(r"[0-9]{1,18}")


def int_param(query: QueryDict, name: str) -> int | None:
    """The parameter as a positive whole number, None when absent, 404 for anything else.

    `str.isdigit()` accepts "²" and `int()` accepts "٣" or " 3_0 ": neither is a number in
    a URL we write, so both are refused here rather than failing deeper down.
    """
    value = query.get(name)
    if value is None or value == "":
        return None
    if not _ID.fullmatch(value):
        raise Http404(_("No such page."))
    return int(value)
