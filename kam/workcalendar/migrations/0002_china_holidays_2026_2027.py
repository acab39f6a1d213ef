"""Mainland-China public holidays and make-up workdays for 2026 and 2027.

2026 follows the State Council General Office's published holiday arrangement for 2026.
2027's arrangement (bridging days, make-up workdays, and the lunar holidays' exact spans) was not
known when this was written, so only the fixed-date statutory days certain by law are shipped
for 2027 (元旦 1/1, 劳动节 5/1–5/2, 国庆节 10/1–10/3). Admins add the rest on /calendar/ once the
notice is published.
"""

from datetime import date, timedelta

from django.db import migrations

HOLIDAY = "holiday"
MAKEUP = "makeup_workday"


def _span(first: date, last: date, name: str) -> list[tuple[date, str, str]]:
    return [(first + timedelta(days=i), HOLIDAY, name) for i in range((last - first).days + 1)]


DAYS: list[tuple[date, str, str]] = [
    *_span(date(2026, 1, 1), date(2026, 1, 3), "元旦"),
    (date(2026, 1, 4), MAKEUP, "元旦调休"),
    *_span(date(2026, 2, 15), date(2026, 2, 23), "春节"),
    (date(2026, 2, 14), MAKEUP, "春节调休"),
    (date(2026, 2, 28), MAKEUP, "春节调休"),
    *_span(date(2026, 4, 4), date(2026, 4, 6), "清明节"),
    *_span(date(2026, 5, 1), date(2026, 5, 5), "劳动节"),
    (date(2026, 5, 9), MAKEUP, "劳动节调休"),
    *_span(date(2026, 6, 19), date(2026, 6, 21), "端午节"),
    *_span(date(2026, 9, 25), date(2026, 9, 27), "中秋节"),
    *_span(date(2026, 10, 1), date(2026, 10, 7), "国庆节"),
    (date(2026, 9, 20), MAKEUP, "国庆节调休"),
    (date(2026, 10, 10), MAKEUP, "国庆节调休"),
    (date(2027, 1, 1), HOLIDAY, "元旦"),
    *_span(date(2027, 5, 1), date(2027, 5, 2), "劳动节"),
    *_span(date(2027, 10, 1), date(2027, 10, 3), "国庆节"),
]


def forwards(apps, schema_editor):
    CalendarDay = apps.get_model("workcalendar", "CalendarDay")
    # An admin may already have entered some of these days; theirs win.
    taken = set(CalendarDay.objects.filter(date__in=[d for d, _k, _n in DAYS]).values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, kind=k, name=n) for d, k, n in DAYS if d not in taken]
    )


def backwards(apps, schema_editor):
    CalendarDay = apps.get_model("workcalendar", "CalendarDay")
    # Only the shipped rows (created_by is empty); days admins added by hand stay.
    CalendarDay.objects.filter(date__in=[d for d, _k, _n in DAYS], created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_calendar_day")]

    operations = [migrations.RunPython(forwards, backwards)]
