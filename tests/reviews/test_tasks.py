"""The periodic jobs, called directly: they run on working days only."""

from datetime import date

import pytest

from kam.notifications.models import Notification
from kam.reviews.models import ReviewSheet
from kam.reviews.tasks import (
    coaching_overdue_job,
    review_missing_remind_job,
    review_reminders_evening,
    review_sheets_generate_job,
    review_sheets_morning,
)
from kam.workcalendar.enums import DayKind
from kam.workcalendar.models import CalendarDay

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 23)
SATURDAY = date(2026, 11, 28)


def test_morning_generates_on_a_working_day(rep, colleague, rep_deal):
    assert review_sheets_morning(MONDAY) == 2
    assert review_sheets_morning(MONDAY) == 2
    assert ReviewSheet.objects.filter(day=MONDAY).count() == 2
    assert ReviewSheet.objects.get(rep=rep).items.count() == 1


def test_nothing_on_weekends_and_holidays(rep):
    CalendarDay.objects.create(date=MONDAY, kind=DayKind.HOLIDAY, name="调休")
    assert review_sheets_morning(SATURDAY) == 0
    assert review_sheets_morning(MONDAY) == 0
    assert review_reminders_evening(MONDAY) == 0
    assert not ReviewSheet.objects.exists()
    assert not Notification.objects.exists()


def test_makeup_workday_counts(rep):
    CalendarDay.objects.create(date=SATURDAY, kind=DayKind.MAKEUP_WORKDAY, name="调休上班")
    assert review_sheets_morning(SATURDAY) == 1


def test_evening_reminder_once_per_rep(rep, colleague):
    assert review_reminders_evening(MONDAY) == 2
    assert review_reminders_evening(MONDAY) == 0
    assert Notification.objects.filter(recipient=rep, url="/reviews/mine/").count() == 1


def test_job_wrappers_run(rep, manager):
    review_sheets_generate_job.call_local()
    review_missing_remind_job.call_local()
    coaching_overdue_job.call_local()
    # Run on whatever today is: a working day builds and reminds, a holiday does neither.
    sheets = ReviewSheet.objects.count()
    assert sheets in {0, 1}
    assert Notification.objects.filter(recipient=rep).count() == sheets
