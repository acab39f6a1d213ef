"""Helpers for list tables whose rows are built in Python rather than by the template engine
(the account, deal, visit and checklist-gap lists): fifty rows of cells through the engine
were up to half of a list page's time. Each list's module writes the template's HTML, compared
in its tests."""

import html
from datetime import date, datetime

from django.utils import timezone
from django.utils.safestring import SafeString


def cell_text(value: object) -> str:
    """What `{{ value }}` writes: SafeStrings as they are, the rest as text escaped the way
    Django's `escape` does (None as "None", like the engine)."""
    return value if isinstance(value, SafeString) else html.escape(str(value))


def cell_day(value: date | None) -> str:
    """`{{ value|date:"Y-m-d" }}` of a date."""
    return value.strftime("%Y-%m-%d") if value else ""


def cell_moment(value: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """`{{ value|date:"Y-m-d H:i" }}` of an aware datetime, in the current time zone."""
    return timezone.localtime(value).strftime(pattern) if value else ""
