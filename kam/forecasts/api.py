"""/api/forecasts — the same selectors as the pages; amounts are strings (R-API-1)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from kam.core.api import api_user, validation_errors
from kam.forecasts.accuracy import forecast_snapshots_visible
from kam.forecasts.enums import REPORTED_CATEGORIES, ForecastGroup
from kam.forecasts.models import ForecastSnapshot
from kam.forecasts.periods import Period, period_parse
from kam.forecasts.schemas import ErrorsOut, ForecastOut, SnapshotListOut
from kam.forecasts.selectors import ForecastFigures, forecast_for

router = Router(tags=["forecasts"])
MAX_LIMIT = 500


def _figures(figures: ForecastFigures) -> dict[str, Any]:
    return {
        "pipeline_amount": f"{figures.pipeline_amount:.2f}",
        "weighted_amount": f"{figures.weighted_amount:.2f}",
        "won_amount": f"{figures.won_amount:.2f}",
        "open_count": figures.open_count,
        "won_count": figures.won_count,
        "categories": {
            category: {
                "amount": f"{figures.categories[category].amount:.2f}",
                "weighted_amount": f"{figures.categories[category].weighted:.2f}",
                "count": figures.categories[category].count,
            }
            for category in REPORTED_CATEGORIES
        },
    }


def _period_out(period: Period) -> dict[str, Any]:
    return {"key": period.key, "start": period.start, "end": period.end}


class ForecastFilters(Schema):
    period: str = ""
    group: str = ForecastGroup.REP


@router.get(
    "",
    response={200: ForecastOut, 422: ErrorsOut},
    summary="The forecast of a period by rep or team, limited to the caller's scope",
)
def get_forecast(request: HttpRequest, filters: Query[ForecastFilters]) -> Any:
    try:
        period = period_parse(filters.period)
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    if filters.group not in ForecastGroup.values:
        return Status(
            422, {"errors": {"group": [_("分组只能是 rep（按销售）或 team（按团队）。")]}}
        )
    forecast = forecast_for(api_user(request), period, filters.group)
    return {
        "period": _period_out(period),
        "group": forecast.group,
        "rows": [
            {
                "label": row.label,
                "owner_id": row.owner_id,
                "team_id": row.team_id,
                **_figures(row.figures),
            }
            for row in forecast.rows
        ],
        "totals": _figures(forecast.totals),
    }


class SnapshotFilters(Schema):
    period: str = ""
    limit: int = 200
    offset: int = 0


def _snapshot_out(row: ForecastSnapshot) -> dict[str, Any]:
    return {
        "week_start": row.week_start, "owner_id": row.owner_id, "owner_name": str(row.owner),
        "team_id": row.team_id, "period": row.period_key, "category": row.category,
        "amount": f"{row.amount:.2f}", "weighted_amount": f"{row.weighted_amount:.2f}",
        "count": row.deal_count,
    }  # fmt: skip


@router.get(
    "/snapshots",
    response={200: SnapshotListOut, 422: ErrorsOut},
    summary="The weekly snapshot rows of a period (the caller's own and their reports')",
)
def list_snapshots(request: HttpRequest, filters: Query[SnapshotFilters]) -> Any:
    try:
        period = period_parse(filters.period)
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    limit = max(1, min(filters.limit, MAX_LIMIT))
    offset = max(0, filters.offset)
    rows = forecast_snapshots_visible(api_user(request), period)
    page = list(rows[offset : offset + limit + 1])
    return {
        "items": [_snapshot_out(row) for row in page[:limit]],
        "next_offset": offset + limit if len(page) > limit else None,
    }
