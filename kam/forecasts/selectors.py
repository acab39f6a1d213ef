"""Forecast reads (SPEC R-OPP-9). Everything is one GROUP BY query over the deals the viewer's
forecast counts (`kam.forecasts.rules`); the number of deals never changes the query count."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from kam.core.aggregates import count_where, fen, fen_sum, weighted_fen, yuan
from kam.forecasts.enums import OPEN_CATEGORIES, REPORTED_CATEGORIES, ForecastGroup
from kam.forecasts.periods import Period
from kam.forecasts.rules import forecast_opportunity_q
from kam.opportunities.enums import ForecastCategory, StageKind
from kam.opportunities.models import Opportunity
from kam.users.models import User

ZERO = Decimal("0.00")


@dataclass
class CategoryFigure:
    amount: Decimal = ZERO
    weighted: Decimal = ZERO
    count: int = 0

    def __add__(self, other: "CategoryFigure") -> "CategoryFigure":
        return CategoryFigure(
            self.amount + other.amount, self.weighted + other.weighted, self.count + other.count
        )


def _empty_categories() -> dict[str, CategoryFigure]:
    return {category: CategoryFigure() for category in REPORTED_CATEGORIES}


@dataclass
class ForecastFigures:
    """One group's forecast. `closed` is what was won in the period; the rest are open deals
    expected to sign in it, by their forecast category (omitted deals count nowhere)."""

    categories: dict[str, CategoryFigure] = field(default_factory=_empty_categories)

    @property
    def pipeline_amount(self) -> Decimal:
        return sum((self.categories[c].amount for c in OPEN_CATEGORIES), ZERO)

    @property
    def weighted_amount(self) -> Decimal:
        return sum((self.categories[c].weighted for c in OPEN_CATEGORIES), ZERO)

    @property
    def open_count(self) -> int:
        return sum(self.categories[c].count for c in OPEN_CATEGORIES)

    @property
    def won_amount(self) -> Decimal:
        return self.categories[ForecastCategory.CLOSED].amount

    @property
    def won_count(self) -> int:
        return self.categories[ForecastCategory.CLOSED].count

    def __add__(self, other: "ForecastFigures") -> "ForecastFigures":
        return ForecastFigures(
            {c: self.categories[c] + other.categories[c] for c in REPORTED_CATEGORIES}
        )

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "ForecastFigures":
        categories: dict[str, CategoryFigure] = {}
        for category in REPORTED_CATEGORIES:
            amount = yuan(row[f"{category}_fen"])
            weighted = (
                amount if category == ForecastCategory.CLOSED else yuan(row[f"{category}_wfen"])
            )
            categories[category] = CategoryFigure(amount, weighted, row[f"{category}_n"])
        return cls(categories)


@dataclass
class ForecastRow:
    label: str
    figures: ForecastFigures
    owner_id: int | None = None
    team_id: int | None = None


@dataclass
class Forecast:
    period: Period
    group: str
    rows: list[ForecastRow]
    totals: ForecastFigures


def forecast_opportunities(user: User) -> QuerySet[Opportunity]:
    return Opportunity.objects.filter(forecast_opportunity_q(user))


def period_conditions(period: Period) -> tuple[Q, Q]:
    """(open deals expected to sign in the period, deals won in it)."""
    start, end = period.bounds()
    open_q = Q(
        stage__kind=StageKind.OPEN,
        expected_sign_date__gte=period.start,
        expected_sign_date__lte=period.end,
        forecast_category__in=OPEN_CATEGORIES,
    )
    won_q = Q(stage__kind=StageKind.WON, closed_at__gte=start, closed_at__lt=end)
    return open_q, won_q


def forecast_aggregates(period: Period) -> dict[str, Any]:
    """The per-category sums, named `<category>_fen`, `<category>_wfen`, `<category>_n`."""
    open_q, won_q = period_conditions(period)
    amount = fen("amount")
    weighted = weighted_fen("amount", "probability")
    aggregates: dict[str, Any] = {}
    for category in OPEN_CATEGORIES:
        condition = open_q & Q(forecast_category=category)
        aggregates[f"{category}_fen"] = fen_sum(amount, condition)
        aggregates[f"{category}_wfen"] = fen_sum(weighted, condition)
        aggregates[f"{category}_n"] = count_where(condition)
    aggregates[f"{ForecastCategory.CLOSED}_fen"] = fen_sum(amount, won_q)
    aggregates[f"{ForecastCategory.CLOSED}_n"] = count_where(won_q)
    return aggregates


def forecast_grouped(
    opportunities: QuerySet[Opportunity], period: Period, group_fields: Iterable[str]
) -> list[dict[str, Any]]:
    """One row per group of `opportunities` with a deal in the period; one query."""
    open_q, won_q = period_conditions(period)
    fields = list(group_fields)
    return list(
        opportunities.filter(open_q | won_q)
        .values(*fields)
        .annotate(**forecast_aggregates(period))
        .order_by(*fields)
    )


def _rep_label(row: dict[str, Any]) -> str:
    return str(row["owner__display_name"] or row["owner__username"])


def forecast_for(user: User, period: Period, group: str = ForecastGroup.REP) -> Forecast:
    """The viewer's forecast for `period`, by rep or by the owners' teams, with totals."""
    opportunities = forecast_opportunities(user)
    rows: list[ForecastRow] = []
    if group == ForecastGroup.TEAM:
        for row in forecast_grouped(opportunities, period, ["owner__team_id", "owner__team__name"]):
            rows.append(
                ForecastRow(
                    label=row["owner__team__name"] or _("未分配团队"),
                    figures=ForecastFigures.from_row(row),
                    team_id=row["owner__team_id"],
                )
            )
    else:
        fields = ["owner_id", "owner__display_name", "owner__username"]
        for row in forecast_grouped(opportunities, period, fields):
            rows.append(
                ForecastRow(
                    label=_rep_label(row),
                    figures=ForecastFigures.from_row(row),
                    owner_id=row["owner_id"],
                )
            )
    rows.sort(key=lambda r: (-r.figures.pipeline_amount - r.figures.won_amount, r.label))
    totals = sum((r.figures for r in rows), ForecastFigures())
    return Forecast(period=period, group=group, rows=rows, totals=totals)


def forecast_drilldown_url(
    *, period: Period, category: str, owner_id: int | None = None, team_id: int | None = None
) -> str:
    """The opportunity list filtered to one cell of the forecast table."""
    try:
        base = reverse("opportunities:list")
    except NoReverseMatch:  # the list page is being built alongside; its path is agreed
        base = "/opportunities/"
    params: dict[str, str] = {}
    if owner_id is not None:
        params["owner"] = str(owner_id)
    if team_id is not None:
        params["team"] = str(team_id)
    params["forecast_category"] = category
    params["sign_from"] = period.start.isoformat()
    params["sign_to"] = period.end.isoformat()
    return f"{base}?{urlencode(params)}"
