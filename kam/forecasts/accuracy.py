"""Forecast accuracy (SPEC R-OPP-9): each Monday's snapshot of a period against what was won.

A week's forecasts of the period's final won amount, in the usual roll-up:
  commit    = won so far + commit
  best case = won so far + commit + best case
  weighted  = won so far + Σ weighted amounts of the open deals (pipeline, best case, commit)
Error % = (forecast − actual) ÷ actual × 100, one decimal; no figure when nothing was won.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet

from kam.core.aggregates import fen, fen_sum, yuan
from kam.forecasts.enums import OPEN_CATEGORIES
from kam.forecasts.models import ForecastSnapshot
from kam.forecasts.periods import Period
from kam.forecasts.rules import forecast_owner_q
from kam.forecasts.selectors import forecast_opportunities, period_conditions
from kam.opportunities.enums import ForecastCategory
from kam.users.models import User

TENTH = Decimal("0.1")


def error_percent(forecast: Decimal, actual: Decimal) -> Decimal | None:
    if actual == 0:
        return None
    return ((forecast - actual) * 100 / actual).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass
class AccuracyWeek:
    week_start: date
    won_so_far: Decimal
    commit: Decimal
    best_case: Decimal
    weighted: Decimal
    actual: Decimal

    @property
    def commit_error(self) -> Decimal | None:
        return error_percent(self.commit, self.actual)

    @property
    def best_case_error(self) -> Decimal | None:
        return error_percent(self.best_case, self.actual)

    @property
    def weighted_error(self) -> Decimal | None:
        return error_percent(self.weighted, self.actual)


@dataclass
class Accuracy:
    period: Period
    actual: Decimal
    weeks: list[AccuracyWeek]


def forecast_snapshots_visible(user: User, period: Period) -> QuerySet[ForecastSnapshot]:
    return (
        ForecastSnapshot.objects.filter(forecast_owner_q(user), period_key=period.key)
        .select_related("owner", "team")
        .order_by("week_start", "owner_id", "category", "pk")
    )


def forecast_won_amount(user: User, period: Period) -> Decimal:
    _open, won_q = period_conditions(period)
    total = forecast_opportunities(user).aggregate(won=fen_sum(fen("amount"), won_q))["won"]
    return yuan(total)


def forecast_accuracy(user: User, period: Period) -> Accuracy:
    """Two queries: the weekly sums of the viewer's snapshots, and the actual won amount."""
    actual = forecast_won_amount(user, period)
    closed = Q(category=ForecastCategory.CLOSED)
    weekly = (
        ForecastSnapshot.objects.filter(forecast_owner_q(user), period_key=period.key)
        .values("week_start")
        .annotate(
            closed_fen=fen_sum(fen("amount"), closed),
            commit_fen=fen_sum(fen("amount"), Q(category=ForecastCategory.COMMIT)),
            best_case_fen=fen_sum(fen("amount"), Q(category=ForecastCategory.BEST_CASE)),
            weighted_fen=fen_sum(fen("weighted_amount"), Q(category__in=OPEN_CATEGORIES)),
        )
        .order_by("week_start")
    )
    weeks = []
    for row in weekly:
        won = yuan(row["closed_fen"])
        commit = won + yuan(row["commit_fen"])
        weeks.append(
            AccuracyWeek(
                week_start=row["week_start"],
                won_so_far=won,
                commit=commit,
                best_case=commit + yuan(row["best_case_fen"]),
                weighted=won + yuan(row["weighted_fen"]),
                actual=actual,
            )
        )
    return Accuracy(period=period, actual=actual, weeks=weeks)


def accuracy_chart_option(accuracy: Accuracy, labels: dict[str, str]) -> dict[str, object]:
    """An ECharts option for kam.js's `data-chart`; amounts go out as strings (no floats)."""
    x_axis = [week.week_start.isoformat() for week in accuracy.weeks]

    def line(name: str, values: list[Decimal], dashed: bool = False) -> dict[str, object]:
        series: dict[str, object] = {
            "type": "line",
            "name": name,
            "data": [str(v) for v in values],
            "symbolSize": 6,
        }
        if dashed:
            series["lineStyle"] = {"type": "dashed"}
        return series

    weeks = accuracy.weeks
    return {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 80, "right": 24, "top": 36, "bottom": 28},
        "xAxis": {"type": "category", "data": x_axis},
        "yAxis": {"type": "value"},
        "series": [
            line(labels["commit"], [w.commit for w in weeks]),
            line(labels["best_case"], [w.best_case for w in weeks]),
            line(labels["weighted"], [w.weighted for w in weeks]),
            line(labels["actual"], [w.actual for w in weeks], dashed=True),
        ],
    }
