from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from huey.contrib.djhuey import HUEY

from kam.forecasts.models import ForecastSnapshot, ForecastSnapshotRun
from kam.forecasts.services import forecast_snapshot_take
from kam.forecasts.tasks import forecast_weekly_snapshot
from tests.forecasts.conftest import IN_Q1

pytestmark = pytest.mark.django_db
AS_OF = "2026-11-25"  # a Wednesday; the week starts on Monday the 23rd
MONDAY = date(2026, 11, 23)


def rows() -> list[tuple]:
    return list(
        ForecastSnapshot.objects.order_by("period_key", "owner_id", "category").values_list(
            "week_start", "owner_id", "team_id", "period_key", "category", "amount",
            "weighted_amount", "deal_count",
        )
    )  # fmt: skip


@pytest.fixture
def book(rep, colleague, deal):
    deal(rep, "100.00", category="commit", probability=80)
    deal(rep, "50.05", category="commit", probability=50)
    deal(rep, "300.00", category="best_case", probability=40)
    deal(rep, "20.00", category="omitted")
    deal(colleague, "999.99", category="pipeline", probability=10, sign=IN_Q1)
    deal(colleague, "500.00", won_at=datetime(2026, 11, 2, tzinfo=UTC))


def test_snapshot_rows_per_owner_period_and_category(rep, colleague, book):
    out = StringIO()
    call_command("forecast_snapshot", "--as-of", AS_OF, stdout=out)
    assert "2026-11-23: taken, 4 rows" in out.getvalue()
    assert rows() == [
        (MONDAY, rep.pk, rep.team_id, "2026Q4", "best_case", Decimal("300.00"),
         Decimal("120.00"), 1),
        (MONDAY, rep.pk, rep.team_id, "2026Q4", "commit", Decimal("150.05"),
         Decimal("105.03"), 2),
        (MONDAY, colleague.pk, colleague.team_id, "2026Q4", "closed", Decimal("500.00"),
         Decimal("500.00"), 1),
        (MONDAY, colleague.pk, colleague.team_id, "2027Q1", "pipeline", Decimal("999.99"),
         Decimal("100.00"), 1),
    ]  # fmt: skip
    run = ForecastSnapshotRun.objects.get()
    assert (run.week_start, run.row_count) == (MONDAY, 4)
    assert run.finished_at is not None


def test_taking_the_same_week_twice_changes_nothing(rep, book, deal):
    call_command("forecast_snapshot", "--as-of", AS_OF, stdout=StringIO())
    first = rows()
    deal(rep, "1.00", category="commit")  # arrives after the snapshot
    out = StringIO()
    call_command("forecast_snapshot", "--as-of", "2026-11-29", stdout=out)  # same week
    assert "already taken" in out.getvalue()
    assert rows() == first
    assert ForecastSnapshotRun.objects.count() == 1


def test_a_claimed_week_is_left_to_whoever_claimed_it(book):
    """Another worker inserted the claim first: this one writes nothing."""
    ForecastSnapshotRun.objects.create(week_start=MONDAY)
    outcome = forecast_snapshot_take(as_of=date(2026, 11, 24))
    assert outcome.taken is False
    assert ForecastSnapshot.objects.count() == 0


def test_replace_retakes_the_week(rep, book, deal):
    forecast_snapshot_take(as_of=MONDAY)
    deal(rep, "1.00", category="commit")
    outcome = forecast_snapshot_take(as_of=MONDAY, replace=True)
    assert outcome.taken is True
    commit = ForecastSnapshot.objects.get(owner=rep, category="commit")
    assert (commit.amount, commit.deal_count) == (Decimal("151.05"), 3)
    assert ForecastSnapshot.objects.count() == outcome.row_count == 4


def test_a_new_week_adds_rows(book):
    forecast_snapshot_take(as_of=MONDAY)
    forecast_snapshot_take(as_of=date(2026, 11, 30))
    assert ForecastSnapshot.objects.filter(week_start=date(2026, 11, 30)).count() == 4
    assert ForecastSnapshot.objects.count() == 8


def test_snapshot_query_count_is_independent_of_deals(
    rep, deal, django_assert_max_num_queries, book
):
    for _ in range(20):
        deal(rep, "3.00", category="best_case")
    # savepoints, the claim (get, insert), two period aggregates, one insert, the run update
    with django_assert_max_num_queries(10):
        forecast_snapshot_take(as_of=MONDAY)


def test_periodic_task_takes_this_week(book, monkeypatch):
    monkeypatch.setattr("kam.forecasts.services.company_today", lambda: date(2026, 11, 26))
    assert forecast_weekly_snapshot.call_local() == 4
    assert ForecastSnapshotRun.objects.get().week_start == MONDAY


def test_command_refuses_a_bad_date():
    with pytest.raises(CommandError):
        call_command("forecast_snapshot", "--as-of", "26/11/2026", stdout=StringIO())


def test_the_job_is_scheduled_for_monday_mornings():
    names = {task.name for task in HUEY._registry.periodic_tasks}
    assert "forecast_weekly_snapshot" in names
    validate = forecast_weekly_snapshot.task_class().validate_datetime
    # huey checks naive UTC times; Monday 02:00 UTC is 10:00 in Beijing.
    monday = datetime(2026, 11, 23, 2, 0, tzinfo=UTC).replace(tzinfo=None)
    assert validate(monday)
    assert not validate(monday + timedelta(days=1))
