"""Forecast pages: parse the query string, read through the selectors, render."""

import json
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from kam.audit.exports import export_allowed, export_response
from kam.core.http import AuthenticatedHttpRequest
from kam.forecasts.accuracy import accuracy_chart_option, forecast_accuracy
from kam.forecasts.enums import OPEN_CATEGORIES, REPORTED_CATEGORIES, ForecastGroup
from kam.forecasts.forms import AccuracyFilterForm, ForecastFilterForm
from kam.forecasts.selectors import Forecast, ForecastRow, forecast_drilldown_url, forecast_for
from kam.opportunities.enums import ForecastCategory


def _category_columns() -> list[dict[str, str]]:
    return [{"key": c, "label": str(ForecastCategory(c).label)} for c in REPORTED_CATEGORIES]


def _table_rows(forecast: Forecast) -> list[dict[str, Any]]:
    """Each row with its cells' drill-down links (only rows that stand for one rep or team)."""

    def cells(row: ForecastRow) -> list[dict[str, Any]]:
        out = []
        for category in REPORTED_CATEGORIES:
            url = ""
            if row.owner_id is not None or row.team_id is not None:
                url = forecast_drilldown_url(
                    period=forecast.period,
                    category=category,
                    owner_id=row.owner_id,
                    team_id=row.team_id,
                )
            out.append({"figure": row.figures.categories[category], "url": url})
        return out

    return [{"row": row, "cells": cells(row)} for row in forecast.rows]


def forecast_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ForecastFilterForm(request.GET or None)
    forecast = forecast_for(request.user, form.period_value(), form.group_value())
    context = {
        "form": form,
        "forecast": forecast,
        "rows": _table_rows(forecast),
        "categories": _category_columns(),
        "total_cells": [forecast.totals.categories[c] for c in REPORTED_CATEGORIES],
        "can_export": export_allowed(request.user),
        "query_string": request.GET.urlencode(),
        "group_label": ForecastGroup(forecast.group).label,
    }
    return render(request, "forecasts/index.html", context)


def export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    user = request.user
    if not export_allowed(user):
        raise PermissionDenied
    form = ForecastFilterForm(request.GET or None)
    forecast = forecast_for(user, form.period_value(), form.group_value())
    headers = [
        _("期间"),
        str(ForecastGroup(forecast.group).label),
        *[str(ForecastCategory(c).label) for c in REPORTED_CATEGORIES],
        _("管道总额"),
        _("加权金额"),
        _("进行中商机数"),
        _("赢单数"),
    ]

    def line(label: str, figures: Any) -> list[Any]:
        return [
            forecast.period.key,
            label,
            *[figures.categories[c].amount for c in REPORTED_CATEGORIES],
            figures.pipeline_amount,
            figures.weighted_amount,
            figures.open_count,
            figures.won_count,
        ]

    def rows() -> Iterator[list[Any]]:
        for row in forecast.rows:
            yield line(row.label, row.figures)
        yield line(_("合计"), forecast.totals)

    return export_response(
        user=user,
        what=_("销售预测"),
        filename=f"forecast-{forecast.period.key}",
        headers=headers,
        rows=rows(),
        file_format="csv" if request.GET.get("format") == "csv" else "xlsx",
        filters=request.GET.urlencode(),
    )


def accuracy(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AccuracyFilterForm(request.GET or None)
    result = forecast_accuracy(request.user, form.period_value())
    labels = {
        "commit": _("承诺预测"),
        "best_case": _("最佳情况预测"),
        "weighted": _("加权预测"),
        "actual": _("实际赢单"),
    }
    context = {
        "form": form,
        "accuracy": result,
        "labels": labels,
        "chart_json": json.dumps(accuracy_chart_option(result, labels), ensure_ascii=False),
        "open_categories": OPEN_CATEGORIES,
    }
    return render(request, "forecasts/accuracy.html", context)
