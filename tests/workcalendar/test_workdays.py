"""Working-day arithmetic against the shipped 2026 calendar (SPEC issue 4, working days)."""

import importlib
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError

from kam.workcalendar.enums import DayKind
from kam.workcalendar.models import CalendarDay
from kam.workcalendar.services import (
    add_working_days,
    calendar_day_create,
    calendar_day_delete,
    calendar_days_bulk_create,
    calendar_lines_parse,
    calendar_load,
    is_working_day,
    working_days_between,
    working_deadline,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = date.fromisoformat


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-09-30", True),  # Wednesday before 国庆
        ("2026-10-01", False),
        ("2026-10-05", False),  # a Monday inside 国庆
        ("2026-10-07", False),
        ("2026-10-08", True),
        ("2026-10-10", True),  # Saturday, make-up workday
        ("2026-10-11", False),  # ordinary Sunday
        ("2026-09-20", True),  # Sunday, make-up workday
        ("2026-02-14", True),  # Saturday, 春节 make-up
        ("2026-02-16", False),  # Monday inside 春节
        ("2026-02-23", False),
        ("2026-02-24", True),
        ("2026-02-28", True),  # Saturday, 春节 make-up
        ("2026-01-03", False),  # Saturday inside 元旦
        ("2026-01-04", True),  # Sunday, 元旦 make-up
        ("2026-03-07", False),  # ordinary Saturday
        ("2026-03-08", False),  # ordinary Sunday
        ("2026-03-09", True),  # ordinary Monday
        ("2026-05-05", False),
        ("2026-05-09", True),
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(D(day)) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-09-30", 0, "2026-09-30"),
        ("2026-10-01", 0, "2026-10-01"),  # n=0 is the start itself, even on a holiday
        ("2026-09-30", 1, "2026-10-08"),  # the whole 国庆 week is skipped
        ("2026-09-30", 2, "2026-10-09"),
        ("2026-09-30", 3, "2026-10-10"),  # the make-up Saturday counts
        ("2026-09-30", 4, "2026-10-12"),  # Sunday 10/11 does not
        ("2026-09-18", 1, "2026-09-20"),  # Friday → make-up Sunday, skipping Saturday
        ("2026-02-13", 1, "2026-02-14"),  # Friday → 春节 make-up Saturday
        ("2026-02-14", 1, "2026-02-24"),  # over the nine days of 春节
        ("2026-02-14", 5, "2026-02-28"),  # 2/24–2/27 then the make-up Saturday
        ("2026-03-06", 1, "2026-03-09"),  # an ordinary weekend
        ("2026-03-07", 1, "2026-03-09"),  # from a Saturday
        ("2026-03-09", 5, "2026-03-16"),  # Tue–Fri, then next Monday
        ("2026-03-09", 10, "2026-03-23"),
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(D(start), n) == D(expected)


def test_negative_n_is_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D("2026-10-08"), -1)
    with pytest.raises(ValueError, match="negative"):
        working_deadline(datetime(2026, 10, 8, tzinfo=SHANGHAI), -3)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-09-30", "2026-09-30", 0),
        ("2026-09-30", "2026-10-07", 0),  # all holidays
        ("2026-09-30", "2026-10-10", 3),  # 10/8, 10/9, 10/10 (make-up)
        ("2026-10-10", "2026-09-30", -3),  # reversed: negated
        ("2026-09-29", "2026-09-30", 1),  # end included
        ("2026-09-30", "2026-10-08", 1),  # start excluded (9/30 is a working day)
        ("2026-03-06", "2026-03-09", 1),  # Sat, Sun, Mon
        ("2026-03-07", "2026-03-08", 0),
        ("2026-02-13", "2026-02-28", 6),  # 2/14, 2/24–2/27, 2/28
        ("2026-09-18", "2026-09-21", 2),  # 9/20 make-up Sunday, 9/21 Monday
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(D(start), D(end)) == expected


@pytest.mark.parametrize(
    ("start", "end"),
    [("2026-09-30", "2026-10-10"), ("2026-02-13", "2026-02-24"), ("2026-09-18", "2026-09-20")],
)
def test_between_and_add_agree(start, end):
    assert add_working_days(D(start), working_days_between(D(start), D(end))) == D(end)


@pytest.mark.parametrize(
    ("event", "deadline"),
    [
        # 3 working days after Wed 9/30: 10/8, 10/9 and the make-up Saturday 10/10 — not 10/9.
        (datetime(2026, 9, 30, 15, 0, tzinfo=SHANGHAI), datetime(2026, 10, 11, tzinfo=SHANGHAI)),
        (datetime(2026, 9, 30, 0, 0, tzinfo=SHANGHAI), datetime(2026, 10, 11, tzinfo=SHANGHAI)),
        # 18:00 UTC on 9/29 is already 9/30 in Shanghai.
        (datetime(2026, 9, 29, 18, 0, tzinfo=UTC), datetime(2026, 10, 11, tzinfo=SHANGHAI)),
        # 10:00 UTC on 9/29 is still 9/29 (Tue) in Shanghai: 9/30, 10/8, 10/9.
        (datetime(2026, 9, 29, 10, 0, tzinfo=UTC), datetime(2026, 10, 10, tzinfo=SHANGHAI)),
        # Friday afternoon, ordinary weeks: Mon, Tue, Wed.
        (datetime(2026, 3, 6, 17, 0, tzinfo=SHANGHAI), datetime(2026, 3, 12, tzinfo=SHANGHAI)),
    ],
)
def test_three_working_day_deadline(event, deadline):
    result = working_deadline(event, 3)
    assert result == deadline
    assert result.tzinfo == SHANGHAI
    assert result.astimezone(SHANGHAI).date() == deadline.date()


def test_deadline_in_another_zone():
    event = datetime(2026, 3, 6, 23, 30, tzinfo=UTC)  # Saturday 07:30 in Shanghai, Friday in UTC
    assert working_deadline(event, 1) == datetime(2026, 3, 10, tzinfo=SHANGHAI)
    assert working_deadline(event, 1, tz="UTC") == datetime(2026, 3, 10, tzinfo=ZoneInfo("UTC"))


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="aware"):
        working_deadline(datetime(2026, 9, 30, 15, 0), 3)  # noqa: DTZ001


def test_cache_sees_changes_at_once(admin_user, django_assert_num_queries):
    calendar_load()
    with django_assert_num_queries(1):  # warm: only the fingerprint
        assert is_working_day(D("2026-03-09")) is True
    day = calendar_day_create(
        day=D("2026-03-09"), kind=DayKind.HOLIDAY, name="公司假期", actor=admin_user
    )
    assert is_working_day(D("2026-03-09")) is False
    assert add_working_days(D("2026-03-06"), 1) == D("2026-03-10")
    calendar_day_delete(calendar_day=day, actor=admin_user)
    assert is_working_day(D("2026-03-09")) is True
    # Delete and re-add under another kind: same count, new row.
    calendar_day_create(
        day=D("2026-03-07"), kind=DayKind.MAKEUP_WORKDAY, name="x", actor=admin_user
    )
    assert is_working_day(D("2026-03-07")) is True


def test_migration_ships_2026_and_reverses():
    migration = importlib.import_module("kam.workcalendar.migrations.0002_china_holidays_2026_2027")
    shipped = CalendarDay.objects.filter(created_by__isnull=True)
    assert shipped.filter(date__year=2026, kind=DayKind.HOLIDAY).count() == 33
    assert set(
        shipped.filter(kind=DayKind.MAKEUP_WORKDAY).values_list("date", flat=True)
    ) == {D(d) for d in ("2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20",
                         "2026-10-10")}  # fmt: skip
    assert shipped.get(date=D("2026-10-01")).name == "国庆节"
    migration.backwards(django_apps, None)
    assert not CalendarDay.objects.filter(date__year__in=[2026, 2027]).exists()
    migration.forwards(django_apps, None)
    assert CalendarDay.objects.count() == len(migration.DAYS)


def test_writes_are_for_admin_and_gm_only(rep, gm):
    with pytest.raises(PermissionDenied):
        calendar_day_create(day=D("2026-03-09"), kind=DayKind.HOLIDAY, name="x", actor=rep)
    with pytest.raises(PermissionDenied):
        calendar_days_bulk_create(text="2026-03-09 holiday x", actor=rep)
    assert not CalendarDay.objects.filter(date=D("2026-03-09")).exists()
    assert calendar_days_bulk_create(text="2026-03-09 holiday x", actor=gm)[0].created_by == gm


def test_parse_reports_every_bad_line_together():
    with pytest.raises(ValidationError) as caught:
        calendar_lines_parse("2026-03-09 holiday x\nbad\n2026-03-10 holiday\n2026-03-11 holiday y")
    assert caught.value.message_dict["lines"][0].startswith("第 2 行")
    assert caught.value.message_dict["lines"][1].startswith("第 3 行")
    assert len(caught.value.message_dict["lines"]) == 2
    with pytest.raises(ValidationError, match="请至少粘贴一行"):
        calendar_lines_parse(" \n\n")
