"""Reads for the calendar page. The calendar is company-wide, not customer data."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kam.workcalendar.models import CalendarDay


def calendar_days_for_year(year: int) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.filter(date__year=year).select_related("created_by").order_by("date")


def calendar_years() -> list[int]:
    return sorted({d.year for d in CalendarDay.objects.dates("date", "year")})


def calendar_day_get(pk: int) -> CalendarDay:
    return get_object_or_404(CalendarDay, pk=pk)
