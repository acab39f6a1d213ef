"""What every list page with saved views needs (R-UI-1): the default-view redirect and the
context of the shared bar (templates/partials/saved_views.html)."""

from typing import Any

from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import redirect

from kam.core.http import AuthenticatedHttpRequest
from kam.users.selectors import saved_view_default, saved_views_for

# Parameters that describe a page of the list rather than the view itself.
TRANSIENT_PARAMS = ("page", "reset", "format")


def view_query(query: QueryDict) -> str:
    """The query string that describes the view: filters, sort and columns, without paging."""
    kept = query.copy()
    for key in TRANSIENT_PARAMS:
        kept.pop(key, None)
    return kept.urlencode()


def view_columns(query: QueryDict) -> list[str]:
    """The `cols` chosen in a query string (`cols=a&cols=b` or `cols=a,b`)."""
    return [part for value in query.getlist("cols") for part in value.split(",") if part]


def default_view_redirect(
    request: AuthenticatedHttpRequest, list_key: str
) -> HttpResponseRedirect | None:
    """Opening a list without parameters applies the user's default view, if any."""
    if request.GET:
        return None
    default = saved_view_default(request.user, list_key)
    if default is None or not default.query_string:
        return None
    return redirect(f"{request.path}?{default.query_string}")


def saved_views_context(request: AuthenticatedHttpRequest, list_key: str) -> dict[str, Any]:
    return {
        "saved_views": saved_views_for(request.user, list_key),
        "saved_view_list_key": list_key,
        "saved_view_query": view_query(request.GET),
    }
