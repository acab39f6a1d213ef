"""The battle map page, its printable form and its Excel export. Thin: parse → select → render."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kam.audit.exports import export_allowed, export_response
from kam.battlemap.enums import CellState
from kam.battlemap.forms import BattleMapFilterForm
from kam.battlemap.selectors import battle_map, battle_map_export_rows, export_headers
from kam.core.http import AuthenticatedHttpRequest
from kam.core.pagination import page_number
from kam.users.saved_views import view_query


@require_GET
def battle_map_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = BattleMapFilterForm(request.GET or None, user=request.user)
    filters = form.map_filters()
    today = timezone.localdate()
    query = view_query(request.GET)
    context = {
        "form": form,
        "map": battle_map(request.user, filters, today, page_number(request.GET.get("page"))),
        "filtered": bool(query),
        "query": query,
        "can_export": export_allowed(request.user),
        "states": CellState,
    }
    return render(request, "battlemap/map.html", context)


@require_GET
def battle_map_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The filtered map as a spreadsheet: the same visibility and filters as the page, logged."""
    if not export_allowed(request.user):
        raise PermissionDenied
    form = BattleMapFilterForm(request.GET or None, user=request.user)
    rows = battle_map_export_rows(request.user, form.map_filters(), timezone.localdate())
    return export_response(
        user=request.user,
        what=_("作战地图"),
        filename="battle-map",
        headers=export_headers(),
        rows=rows,
        file_format="csv" if request.GET.get("format") == "csv" else "xlsx",
        filters=view_query(request.GET),
    )
