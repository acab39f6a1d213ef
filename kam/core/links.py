"""`reverse()` for the links a page writes many times: a list's 50 record links, the kanban's
cards, the navigation bar. Django resolves the pattern anew on every call (~15 µs), which on
the account list was more time than the page's SQL. Here a URL name is reversed once per
process (and script prefix) with a marker key, and the marker is replaced on each call.
"""

from functools import cache

from django.urls import get_script_prefix, reverse

# A key no database hands out and whose digits cannot occur elsewhere in a reversed path.
_MARKER = 9_876_543_210_123_456_789
_MARKER_TEXT = str(_MARKER)


@cache
def _keyed_template(viewname: str, script_prefix: str) -> str:
    return reverse(viewname, args=[_MARKER])


@cache
def _fixed(viewname: str, script_prefix: str) -> str:
    return reverse(viewname)


def keyed_url(viewname: str, key: int) -> str:
    """What `reverse(viewname, args=[key])` returns, for a URL with one integer key."""
    return _keyed_template(viewname, get_script_prefix()).replace(_MARKER_TEXT, str(int(key)))


def fixed_url(viewname: str) -> str:
    """What `reverse(viewname)` returns, for a URL without arguments."""
    return _fixed(viewname, get_script_prefix())
