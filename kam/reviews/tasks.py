"""The review sheet's day (huey crontab, UTC; the company works in Asia/Shanghai):
09:00 sheets are generated, 18:00 refreshed before the nightly meeting, 20:00 reps who have not
filed are reminded. Coaching follow-ups past due are swept each morning."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kam.reviews.services.coaching import coaching_overdue_notify
from kam.reviews.services.generation import review_sheets_generate_all
from kam.reviews.services.sheets import review_missing_remind
from kam.workcalendar.services import DEFAULT_TZ, is_working_day


def company_today() -> date:
    return datetime.now(ZoneInfo(DEFAULT_TZ)).date()


def review_sheets_morning(day: date) -> int:
    return review_sheets_generate_all(day=day) if is_working_day(day) else 0


def review_reminders_evening(day: date) -> int:
    return review_missing_remind(day=day) if is_working_day(day) else 0


@db_periodic_task(crontab(hour="1", minute="0"))
def review_sheets_generate_job() -> int:
    return review_sheets_morning(company_today())


@db_periodic_task(crontab(hour="10", minute="0"))
def review_sheets_refresh_job() -> int:
    return review_sheets_morning(company_today())


@db_periodic_task(crontab(hour="12", minute="0"))
def review_missing_remind_job() -> int:
    return review_reminders_evening(company_today())


@db_periodic_task(crontab(hour="1", minute="30"))
def coaching_overdue_job() -> int:
    return coaching_overdue_notify(today=company_today())
