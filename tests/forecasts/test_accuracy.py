from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from kam.forecasts.accuracy import accuracy_chart_option, error_percent, forecast_accuracy
from kam.forecasts.periods import period_parse
from tests.factories import ForecastSnapshotFactory

pytestmark = pytest.mark.django_db
Q3 = period_parse("2026Q3")
WEEK1, WEEK2 = date(2026, 7, 6), date(2026, 8, 3)


@pytest.mark.parametrize(
    ("forecast", "actual", "expected"),
    [
        ("600.00", "1000.00", Decimal("-40.0")),
        ("1100.00", "1000.00", Decimal("10.0")),
        ("1000.00", "3000.00", Decimal("-66.7")),
        ("2.00", "3.00", Decimal("-33.3")),
        ("1.0005", "1.00", Decimal("0.1")),  # half-up
        ("1000.00", "1000.00", Decimal("0.0")),
        ("5.00", "0.00", None),  # nothing won: no percentage
    ],
)
def test_error_percent(forecast, actual, expected):
    assert error_percent(Decimal(forecast), Decimal(actual)) == expected


def snap(owner, week, category, amount, weighted, period="2026Q3"):
    return ForecastSnapshotFactory(
        owner=owner, week_start=week, category=category, period_key=period,
        amount=Decimal(amount), weighted_amount=Decimal(weighted),
    )  # fmt: skip


@pytest.fixture
def history(rep, other_rep, deal):
    snap(rep, WEEK1, "commit", "600.00", "480.00")
    snap(rep, WEEK1, "best_case", "300.00", "120.00")
    snap(rep, WEEK1, "pipeline", "500.00", "50.00")
    snap(rep, WEEK2, "closed", "400.00", "400.00")
    snap(rep, WEEK2, "commit", "700.00", "630.00")
    snap(rep, WEEK2, "commit", "1.00", "1.00", period="2026Q4")  # another period
    snap(other_rep, WEEK1, "commit", "99999.00", "99999.00")
    deal(rep, "400.00", won_at=datetime(2026, 7, 20, tzinfo=UTC))
    deal(rep, "600.00", won_at=datetime(2026, 9, 30, 15, 0, tzinfo=UTC))  # 23:00 in Beijing
    deal(rep, "50.00", won_at=datetime(2026, 9, 30, 16, 0, tzinfo=UTC))  # already Q4
    deal(other_rep, "5000.00", won_at=datetime(2026, 8, 1, tzinfo=UTC))


def test_weekly_forecasts_against_actual(rep, history):
    result = forecast_accuracy(rep, Q3)
    assert result.actual == Decimal("1000.00")
    first, second = result.weeks
    assert first.week_start == WEEK1
    assert (first.won_so_far, first.commit, first.best_case, first.weighted) == (
        Decimal("0.00"), Decimal("600.00"), Decimal("900.00"), Decimal("650.00"),
    )  # fmt: skip
    assert (first.commit_error, first.best_case_error, first.weighted_error) == (
        Decimal("-40.0"), Decimal("-10.0"), Decimal("-35.0"),
    )  # fmt: skip
    assert (second.commit, second.best_case, second.weighted) == (
        Decimal("1100.00"), Decimal("1100.00"), Decimal("1030.00"),
    )  # fmt: skip
    assert (second.commit_error, second.weighted_error) == (Decimal("10.0"), Decimal("3.0"))


def test_accuracy_is_limited_to_the_viewers_reports(other_manager, manager, director, history):
    theirs = forecast_accuracy(other_manager, Q3)
    assert theirs.actual == Decimal("5000.00")
    assert [w.commit for w in theirs.weeks] == [Decimal("99999.00")]
    assert forecast_accuracy(manager, Q3).actual == Decimal("1000.00")
    everyone = forecast_accuracy(director, Q3)
    assert everyone.actual == Decimal("6000.00")
    assert everyone.weeks[0].commit == Decimal("100599.00")


def test_accuracy_queries_are_constant(gm, history, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        forecast_accuracy(gm, Q3)


def test_chart_option_carries_amounts_as_strings(rep, history):
    labels = {"commit": "承诺", "best_case": "最佳", "weighted": "加权", "actual": "实际"}
    option = accuracy_chart_option(forecast_accuracy(rep, Q3), labels)
    assert option["xAxis"] == {"type": "category", "data": ["2026-07-06", "2026-08-03"]}
    series = {s["name"]: s["data"] for s in option["series"]}
    assert series == {
        "承诺": ["600.00", "1100.00"],
        "最佳": ["900.00", "1100.00"],
        "加权": ["650.00", "1030.00"],
        "实际": ["1000.00", "1000.00"],
    }
