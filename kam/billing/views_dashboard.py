"""The collections dashboard page (回款看板): resolve the scope, read, render."""

import json

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kam.billing.dashboard import (
    DashboardScope,
    aging_chart_option,
    aging_labels,
    dashboard,
    dashboard_today,
    lead_label,
    scope_kinds,
    scope_resolve,
    series_chart_option,
)
from kam.core.http import AuthenticatedHttpRequest


def lead_param(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@require_GET
def dashboard_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope, leads = scope_resolve(
        request.user, request.GET.get("scope") or None, lead_param(request.GET.get("lead"))
    )
    board = dashboard(request.user, scope, dashboard_today())
    context = {
        "board": board,
        "scope": scope,
        "kinds": [(kind, DashboardScope(kind).label) for kind in scope_kinds(request.user)],
        "leads": [(lead.pk, lead_label(lead)) for lead in leads],
        "aging_rows": [(label, board.aging.buckets[key]) for key, label in aging_labels()],
        "series_chart": json.dumps(series_chart_option(board), ensure_ascii=False),
        "aging_chart": json.dumps(aging_chart_option(board), ensure_ascii=False),
    }
    return render(request, "billing/dashboard.html", context)
