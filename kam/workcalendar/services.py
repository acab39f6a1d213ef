"""The working-day calendar: weekday arithmetic with public holidays and make-up workdays.

A day is a working day when it is Monday–Friday and not a holiday, or when it is a make-up
workday (调休上班, a weekend day worked in exchange for a longer holiday). Deadlines such as
"within 3 working days" are counted in whole days in the company's time zone.

Writes (adding and deleting calendar days) are at the bottom; they are admin/GM only.
"""

import re
import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from kam.audit.services import audit_record_creation
from kam.users.models import User
from kam.workcalendar.enums import DayKind
from kam.workcalendar.models import CalendarDay
from kam.workcalendar.rules import calendar_manageable_by

DEFAULT_TZ = "Asia/Shanghai"
DAY_FIELDS = ["date", "kind", "name"]
NAME_MAX = 50
SATURDAY = 5


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date]
    makeup_workdays: frozenset[date]

    def is_working_day(self, day: date) -> bool:
        if day in self.makeup_workdays:
            return True
        return day.weekday() < SATURDAY and day not in self.holidays


# (fingerprint, calendar) of the last load in this process. The fingerprint is read from the
# database on every call, so a change made by another process (or a rolled-back test) is seen
# at once; only the rows themselves are reused while it is unchanged.
_cache: tuple[tuple[object, ...], WorkCalendar] | None = None
_cache_lock = threading.Lock()


def calendar_load() -> WorkCalendar:
    """The calendar rows, re-read only when the table changed (one aggregate query otherwise)."""
    global _cache
    # Count catches deletes, the newest created_at catches delete-then-add of the same id.
    stats = CalendarDay.objects.aggregate(n=Count("id"), top=Max("id"), newest=Max("created_at"))
    fingerprint = (stats["n"], stats["top"], stats["newest"])
    cached = _cache
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    holidays: set[date] = set()
    makeups: set[date] = set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (makeups if kind == DayKind.MAKEUP_WORKDAY else holidays).add(day)
    calendar = WorkCalendar(frozenset(holidays), frozenset(makeups))
    with _cache_lock:
        _cache = (fingerprint, calendar)
    return calendar


def is_working_day(day: date) -> bool:
    return calendar_load().is_working_day(day)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start`; n=0 returns `start` itself, working day or not."""
    if n < 0:
        raise ValueError("n must not be negative.")
    calendar = calendar_load()
    day = start
    while n > 0:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days d with start < d <= end (start excluded, end included).

    So add_working_days(start, working_days_between(start, end)) == end whenever end is a
    working day. When end is before start the result is the negated count the other way round.
    """
    if end < start:
        return -working_days_between(end, start)
    calendar = calendar_load()
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if calendar.is_working_day(start + timedelta(days=offset))
    )


def working_deadline(start_dt: datetime, n: int, tz: str = DEFAULT_TZ) -> datetime:
    """When "within n working days" of `start_dt` runs out, as an aware datetime in `tz`.

    The due day is the n-th working day after start_dt's local date; the result is the midnight
    that ends it (an exclusive bound: overdue when now >= the result).
    """
    if start_dt.tzinfo is None or start_dt.utcoffset() is None:
        raise ValueError("start_dt must be timezone-aware.")
    zone = ZoneInfo(tz)
    due = add_working_days(start_dt.astimezone(zone).date(), n)
    return datetime.combine(due + timedelta(days=1), time.min, tzinfo=zone)


# --- writes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayEntry:
    day: date
    kind: str
    name: str
    line: int = 0  # where a pasted entry came from, for error messages


KIND_ALIASES = {
    DayKind.HOLIDAY.value: DayKind.HOLIDAY.value,
    "节假日": DayKind.HOLIDAY.value,
    DayKind.MAKEUP_WORKDAY.value: DayKind.MAKEUP_WORKDAY.value,
    "makeup": DayKind.MAKEUP_WORKDAY.value,
    "调休上班": DayKind.MAKEUP_WORKDAY.value,
}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _require_manager(actor: User) -> None:
    if not calendar_manageable_by(actor):
        raise PermissionDenied(_("只有管理员和总经理可以维护工作日历。"))


def _entry_errors(entry: DayEntry) -> dict[str, str]:
    errors: dict[str, str] = {}
    if entry.kind not in DayKind.values:
        errors["kind"] = _("类型只能是节假日或调休上班。")
    elif entry.kind == DayKind.MAKEUP_WORKDAY and entry.day.weekday() < SATURDAY:
        errors["date"] = _("调休上班只能设在周六或周日。")
    if not entry.name:
        errors["name"] = _("请填写名称。")
    elif len(entry.name) > NAME_MAX:
        errors["name"] = _("名称最多 %(max)d 个字。") % {"max": NAME_MAX}
    return errors


def _insert(entries: list[DayEntry], actor: User) -> list[CalendarDay]:
    days = []
    for entry in entries:
        day = CalendarDay.objects.create(
            date=entry.day, kind=entry.kind, name=entry.name, created_by=actor
        )
        audit_record_creation(instance=day, fields=DAY_FIELDS, actor=actor)
        days.append(day)
    return days


@transaction.atomic
def calendar_day_create(*, day: date, kind: str, name: str, actor: User) -> CalendarDay:
    _require_manager(actor)
    entry = DayEntry(day=day, kind=kind, name=name.strip())
    errors = _entry_errors(entry)
    if "date" not in errors and CalendarDay.objects.filter(date=day).exists():
        errors["date"] = _("这一天已在日历中。")
    if errors:
        raise ValidationError({field: [message] for field, message in errors.items()})
    try:
        with transaction.atomic():
            return _insert([entry], actor)[0]
    except IntegrityError:
        # Another admin added the same day between our check and our insert.
        raise ValidationError({"date": [_("这一天已在日历中。")]}) from None


@transaction.atomic
def calendar_day_delete(*, calendar_day: CalendarDay, actor: User) -> None:
    _require_manager(actor)
    CalendarDay.objects.filter(pk=calendar_day.pk).delete()


def calendar_lines_parse(text: str) -> list[DayEntry]:
    """`2026-10-01 holiday 国庆节` per line (kind may also be 节假日 / 调休上班).

    Blank lines are skipped; line numbers in the errors count every line, as the user sees them.
    All errors are reported together, so nothing is saved until the whole paste is clean.
    """
    entries: list[DayEntry] = []
    errors: list[str] = []
    seen: dict[date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = line.split(maxsplit=2)
        problem = ""
        if len(parts) < 3:
            problem = _("格式应为“日期 类型 名称”，例如 2026-10-01 holiday 国庆节。")
        else:
            day = _parse_date(parts[0])
            if day is None:
                problem = _("日期“%(value)s”无效，应为 YYYY-MM-DD。") % {"value": parts[0]}
            else:
                kind = KIND_ALIASES.get(parts[1].lower(), parts[1])
                entry = DayEntry(day=day, kind=kind, name=parts[2].strip(), line=number)
                problem = "; ".join(_entry_errors(entry).values())
                if not problem and day in seen:
                    problem = _("日期与第 %(line)d 行重复。") % {"line": seen[day]}
                if not problem:
                    seen[day] = number
                    entries.append(entry)
        if problem:
            errors.append(_("第 %(line)d 行：%(error)s") % {"line": number, "error": problem})
    if not entries and not errors:
        errors.append(_("请至少粘贴一行。"))
    if errors:
        raise ValidationError({"lines": errors})
    return entries


def _parse_date(value: str) -> date | None:
    if not DATE_RE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@transaction.atomic
def calendar_days_bulk_create(*, text: str, actor: User) -> list[CalendarDay]:
    """Add every pasted line or none of them."""
    _require_manager(actor)
    entries = calendar_lines_parse(text)
    line_of = {entry.day: entry.line for entry in entries}
    taken = set(CalendarDay.objects.filter(date__in=line_of).values_list("date", flat=True))
    if taken:
        raise ValidationError(
            {
                "lines": [
                    _("第 %(line)d 行：%(error)s")
                    % {"line": line_of[day], "error": _("这一天已在日历中。")}
                    for day in sorted(taken, key=line_of.__getitem__)
                ]
            }
        )
    try:
        with transaction.atomic():
            return _insert(entries, actor)
    except IntegrityError:
        raise ValidationError({"lines": [_("有日期刚被他人添加，请刷新后重试。")]}) from None
