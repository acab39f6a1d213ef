"""The calendar admin page: thin adapters over kam.workcalendar forms, selectors and services."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.workcalendar.forms import CalendarBulkForm, CalendarDayForm
from kam.workcalendar.rules import calendar_manageable_by
from kam.workcalendar.selectors import calendar_day_get, calendar_days_for_year, calendar_years
from kam.workcalendar.services import (
    calendar_day_create,
    calendar_day_delete,
    calendar_days_bulk_create,
)

MIN_YEAR, MAX_YEAR = 2000, 2100


def _require_manager(request: AuthenticatedHttpRequest) -> None:
    if not calendar_manageable_by(request.user):
        raise PermissionDenied


def _year(value: str | None) -> int:
    try:
        year = int(value or "")
    except ValueError:
        return timezone.localdate().year
    return year if MIN_YEAR <= year <= MAX_YEAR else timezone.localdate().year


def _render(
    request: AuthenticatedHttpRequest,
    year: int,
    day_form: CalendarDayForm | None = None,
    bulk_form: CalendarBulkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    years = sorted({*calendar_years(), year, timezone.localdate().year})
    context: dict[str, Any] = {
        "year": year,
        "years": years,
        "days": calendar_days_for_year(year),
        "day_form": day_form or CalendarDayForm(),
        "bulk_form": bulk_form or CalendarBulkForm(),
    }
    return render(request, "workcalendar/list.html", context, status=status)


def _back(year: int) -> HttpResponse:
    return redirect(f"{reverse('workcalendar:list')}?year={year}")


def day_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    return _render(request, _year(request.GET.get("year")))


@require_POST
def day_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    form = CalendarDayForm(request.POST)
    year = _year(request.POST.get("year"))
    if form.is_valid():
        try:
            day = calendar_day_create(
                day=form.cleaned_data["date"],
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                actor=request.user,
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("已添加 %(day)s。") % {"day": day.date.isoformat()})
            return _back(day.date.year)
    return _render(request, year, day_form=form, status=422)


@require_POST
def bulk_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    form = CalendarBulkForm(request.POST)
    year = _year(request.POST.get("year"))
    if form.is_valid():
        try:
            days = calendar_days_bulk_create(text=form.cleaned_data["lines"], actor=request.user)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("已添加 %(count)d 天。") % {"count": len(days)})
            return _back(days[0].date.year)
    return _render(request, year, bulk_form=form, status=422)


@require_POST
def day_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    day = calendar_day_get(pk)
    calendar_day_delete(calendar_day=day, actor=request.user)
    messages.success(request, _("已删除 %(day)s。") % {"day": day.date.isoformat()})
    return _back(day.date.year)
