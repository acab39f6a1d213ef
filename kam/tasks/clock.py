"""A user's wall clock: tasks are stored in UTC but due and reminded on the owner's local day."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

DEFAULT_REMIND_AT = time(9, 0)
# A task due "on a day" (from a date-only source) is due by the end of that working day.
DATE_ONLY_DUE_AT = time(18, 0)


def zone_of(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def local_moment(day: date, clock: time, zone_name: str | None) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone_of(zone_name))


def local_day(moment: datetime, zone_name: str | None) -> date:
    return moment.astimezone(zone_of(zone_name)).date()


def default_remind_at(due_at: datetime, zone_name: str | None) -> datetime:
    """09:00 on the due day, in the owner's zone."""
    return local_moment(local_day(due_at, zone_name), DEFAULT_REMIND_AT, zone_name)


def day_bounds(day: date, zone_name: str | None) -> tuple[datetime, datetime]:
    """The owner's local day as a [start, end) pair of aware datetimes."""
    start = datetime.combine(day, time(0, 0), tzinfo=zone_of(zone_name))
    return start, start + timedelta(days=1)
