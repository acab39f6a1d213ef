"""What every list page with saved views needs (R-UI-1): the default-view redirect and the
context of the shared bar (templates/partials/saved_views.html)."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import redirect

from kam.core.http import AuthenticatedHttpRequest
from kam.users.models import SavedView
from kam.users.selectors import saved_views_for

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


@dataclass(frozen=True)
class SavedViews:
    """The user's saved views of one list, read in one query: the default-view redirect and the
    bar's context both come from them."""

    request: AuthenticatedHttpRequest
    list_key: str
    views: list[SavedView]

    def default_redirect(self) -> HttpResponseRedirect | None:
        """Opening a list without parameters applies the user's default view, if any."""
        if self.request.GET:
            return None
        default = next((view for view in self.views if view.is_default), None)
        if default is None or not default.query_string:
            return None
        return redirect(f"{self.request.path}?{default.query_string}")

    def context(self) -> dict[str, Any]:
        return {
            "saved_views": self.views,
            "saved_view_list_key": self.list_key,
            "saved_view_query": view_query(self.request.GET),
        }


def saved_views(request: AuthenticatedHttpRequest, list_key: str) -> SavedViews:
    return SavedViews(request, list_key, list(saved_views_for(request.user, list_key)))
