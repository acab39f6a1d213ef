"""Forecast periods: a calendar quarter ("2026Q4") or month ("2026-11"), inclusive dates.

A period key is what pages, the API and snapshot rows carry; `period_parse` is the one place
that turns text into a period, so a bad key is refused the same way everywhere.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date  # inclusive

    @property
    def is_quarter(self) -> bool:
        return "Q" in self.key

    @property
    def label(self) -> str:
        if self.is_quarter:
            return _("%(year)s 年第 %(q)s 季度") % {"year": self.key[:4], "q": self.key[-1]}
        return _("%(year)s 年 %(month)s 月") % {"year": self.key[:4], "month": int(self.key[5:])}

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes in the company's zone: a deal closed late on the last
        evening counts in the period whoever looks at the page from whatever time zone."""
        zone = ZoneInfo(settings.TIME_ZONE)
        start = datetime.combine(self.start, time.min, tzinfo=zone)
        end = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone)
        return start, end

    def next(self) -> "Period":
        return period_containing(self.end + timedelta(days=1), by_quarter=self.is_quarter)

    def previous(self) -> "Period":
        return period_containing(self.start - timedelta(days=1), by_quarter=self.is_quarter)


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def quarter_period(year: int, number: int) -> Period:
    first_month = 3 * (number - 1) + 1
    return Period(
        key=f"{year}Q{number}",
        start=date(year, first_month, 1),
        end=_month_end(year, first_month + 2),
    )


def month_period(year: int, number: int) -> Period:
    return Period(
        key=f"{year}-{number:02d}", start=date(year, number, 1), end=_month_end(year, number)
    )


def period_containing(day: date, *, by_quarter: bool = True) -> Period:
    if by_quarter:
        return quarter_period(day.year, (day.month - 1) // 3 + 1)
    return month_period(day.year, day.month)


def company_today() -> date:
    return timezone.localdate(timezone.now(), ZoneInfo(settings.TIME_ZONE))


def current_quarter(today: date | None = None) -> Period:
    return period_containing(today or company_today())


def period_parse(key: str | None, *, today: date | None = None) -> Period:
    """The period a key names; empty means the current quarter. Raises ValidationError."""
    text = (key or "").strip().upper()
    if not text:
        return current_quarter(today)
    if found := _QUARTER.match(text):
        return quarter_period(int(found[1]), int(found[2]))
    if found := _MONTH.match(text):
        return month_period(int(found[1]), int(found[2]))
    raise ValidationError(
        {"period": [_("期间格式应为“2026Q4”（季度）或“2026-11”（月份）。")]}, code="invalid"
    )


def period_choices(today: date | None = None) -> list[Period]:
    """What the period picker offers: recent and coming quarters, then the months around now."""
    this_quarter = current_quarter(today)
    quarters = [this_quarter]
    for _step in range(4):
        quarters.insert(0, quarters[0].previous())
    quarters += [this_quarter.next(), this_quarter.next().next()]
    this_month = period_containing(today or company_today(), by_quarter=False)
    months = [this_month]
    for _step in range(5):
        months.insert(0, months[0].previous())
    for _step in range(3):
        months.append(months[-1].next())
    return quarters + months


def week_start(day: date) -> date:
    """The Monday of `day`'s week; snapshots are keyed by it."""
    return day - timedelta(days=day.weekday())
