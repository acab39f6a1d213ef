from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from kam.forecasts.periods import period_choices, period_parse, week_start


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("2026Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
    ],
)
def test_period_parse(key, start, end):
    period = period_parse(key)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("key", ["2026Q5", "2026-13", "Q4", "2026/11", "明年"])
def test_bad_period_names_the_field(key):
    with pytest.raises(ValidationError) as caught:
        period_parse(key)
    assert "period" in caught.value.message_dict


def test_empty_period_is_the_current_quarter():
    assert period_parse("", today=date(2026, 11, 24)).key == "2026Q4"


def test_next_and_previous_cross_the_year():
    q4 = period_parse("2026Q4")
    assert q4.next().key == "2027Q1"
    assert q4.next().previous() == q4
    assert period_parse("2026-01").previous().key == "2025-12"


def test_bounds_are_in_the_company_zone():
    start, end = period_parse("2026Q4").bounds()
    shanghai = ZoneInfo("Asia/Shanghai")
    assert start == datetime(2026, 10, 1, tzinfo=shanghai)
    assert end == datetime(2027, 1, 1, tzinfo=shanghai)


def test_week_start_is_monday():
    assert week_start(date(2026, 11, 24)) == date(2026, 11, 23)
    assert week_start(date(2026, 11, 23)) == date(2026, 11, 23)
    assert week_start(date(2026, 11, 29)) == date(2026, 11, 23)


def test_choices_include_the_current_quarter_and_months():
    keys = [p.key for p in period_choices(date(2026, 11, 24))]
    assert "2026Q4" in keys and "2027Q1" in keys and "2026-11" in keys
    assert len(keys) == len(set(keys))
