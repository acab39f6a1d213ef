"""Taking the weekly forecast snapshot (SPEC R-OPP-9).

A system job, not a user's edit: it reads every deal (no viewer, so no visibility filter) and
writes one row per owner × period × category. A week is claimed by inserting its
`ForecastSnapshotRun` row, so a retry or a second worker finds the claim and writes nothing.
"""

import logging
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from kam.forecasts.enums import REPORTED_CATEGORIES
from kam.forecasts.models import ForecastSnapshot, ForecastSnapshotRun
from kam.forecasts.periods import Period, company_today, current_quarter, week_start
from kam.forecasts.selectors import ForecastFigures, forecast_grouped
from kam.opportunities.models import Opportunity

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SnapshotOutcome:
    week_start: date
    taken: bool  # False: the week had been taken already and was left alone
    row_count: int


def snapshot_periods(as_of: date) -> list[Period]:
    """The current and the next quarter, seen from `as_of`."""
    this_quarter = current_quarter(as_of)
    return [this_quarter, this_quarter.next()]


def _snapshot_rows(run: ForecastSnapshotRun, periods: list[Period]) -> list[ForecastSnapshot]:
    rows = []
    everything = Opportunity.objects.all()
    for period in periods:
        grouped = forecast_grouped(everything, period, ["owner_id", "owner__team_id"])
        for group in grouped:
            figures = ForecastFigures.from_row(group)
            for category in REPORTED_CATEGORIES:
                figure = figures.categories[category]
                if not figure.count:
                    continue
                rows.append(
                    ForecastSnapshot(
                        run=run,
                        week_start=run.week_start,
                        owner_id=group["owner_id"],
                        team_id=group["owner__team_id"],
                        period_key=period.key,
                        category=category,
                        amount=figure.amount,
                        weighted_amount=figure.weighted,
                        deal_count=figure.count,
                    )
                )
    return rows


@transaction.atomic
def forecast_snapshot_take(*, as_of: date | None = None, replace: bool = False) -> SnapshotOutcome:
    """Snapshot the week containing `as_of` (default: today in the company's zone).

    Idempotent: a week already taken is left as it is, unless `replace` (the command's
    --replace, for the demo) asks to take it again from today's data.
    """
    day = as_of or company_today()
    monday = week_start(day)
    # On PostgreSQL a concurrent insert of the same week waits for the first transaction and
    # then finds its row; SQLite serialises writers (BEGIN IMMEDIATE) to the same effect.
    run, created = ForecastSnapshotRun.objects.get_or_create(week_start=monday)
    if not created and not replace:
        return SnapshotOutcome(week_start=monday, taken=False, row_count=run.row_count)
    if not created:
        ForecastSnapshot.objects.filter(run=run).delete()
    rows = _snapshot_rows(run, snapshot_periods(day))
    ForecastSnapshot.objects.bulk_create(rows, batch_size=500)
    run.row_count = len(rows)
    run.finished_at = timezone.now()
    run.save(update_fields=["row_count", "finished_at"])
    logger.info("forecast snapshot %s: %s rows", monday, len(rows))
    return SnapshotOutcome(week_start=monday, taken=True, row_count=len(rows))
