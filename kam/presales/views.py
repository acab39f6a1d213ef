"""Pre-sales pages: thin adapters over kam.presales forms, selectors and services."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kam.audit.exports import export_allowed, export_response
from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.core.pagination import page_number, paginate
from kam.presales.enums import RequestStatus
from kam.presales.forms import (
    CostFilterForm,
    DispatchForm,
    HoursLogForm,
    PresalesRequestForm,
    VersionForm,
    request_initial,
)
from kam.presales.rates import hourly_rate, hours_cost
from kam.presales.rules import (
    presales_can_dispatch,
    presales_can_edit_request,
    presales_can_request,
)
from kam.presales.selectors import (
    hours_logs_of,
    opportunity_get_visible,
    presales_assignment_get_visible,
    presales_assignments_of,
    presales_cost_rows,
    presales_cost_totals,
    presales_request_get_visible,
    presales_requests_for_opportunity,
)
from kam.presales.services import (
    hours_log_create,
    hours_submit,
    presales_dispatch,
    presales_request_close,
    presales_request_create,
    presales_request_submit,
    presales_request_update,
)


def _flash_error(request: AuthenticatedHttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_GET
def panel(request: AuthenticatedHttpRequest, opportunity_pk: int) -> HttpResponse:
    """The "售前资源" section of the opportunity page (htmx fragment)."""
    opportunity = opportunity_get_visible(request.user, opportunity_pk)
    rows = presales_requests_for_opportunity(opportunity)
    rate = hourly_rate()
    for row in rows:
        row.cost = hours_cost(row.approved_hours, rate)  # type: ignore[attr-defined]
    context = {
        "opportunity": opportunity,
        "rows": rows,
        "can_request": presales_can_request(request.user, opportunity),
        "total_cost": hours_cost(sum((r.approved_hours for r in rows), start=Decimal(0)), rate),  # type: ignore[attr-defined]
    }
    return render(request, "presales/panel.html", context)


@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest, opportunity_pk: int) -> HttpResponse:
    opportunity = opportunity_get_visible(request.user, opportunity_pk)
    if not presales_can_request(request.user, opportunity):
        raise PermissionDenied
    form = PresalesRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = presales_request_create(
                opportunity=opportunity,
                actor=request.user,
                data=form.service_data(),
                submit="submit" in request.POST,
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("售前资源申请已保存。"))
            return redirect(created.get_absolute_url())
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "opportunity": opportunity}
    return render(request, "presales/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    presales_request = presales_request_get_visible(request.user, pk)
    if not presales_can_edit_request(request.user, presales_request):
        raise PermissionDenied
    if request.method == "POST":
        form = PresalesRequestForm(request.POST)
        if form.is_valid():
            try:
                presales_request_update(
                    request=presales_request,
                    actor=request.user,
                    version=form.cleaned_data["version"] or 0,
                    changes=form.service_data(),
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("售前资源申请已保存。"))
                return redirect(presales_request.get_absolute_url())
        status = 422
    else:
        form = PresalesRequestForm(initial=request_initial(presales_request))
        status = 200
    context = {"form": form, "opportunity": presales_request.opportunity, "item": presales_request}
    return render(request, "presales/form.html", context, status=status)


@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = presales_request_get_visible(request.user, pk)
    user = request.user
    can_edit = presales_can_edit_request(user, item)
    context = {
        "item": item,
        "opportunity": item.opportunity,
        "cost": hours_cost(item.approved_hours),  # type: ignore[attr-defined]
        "estimated_cost": hours_cost(item.estimated_hours),
        "can_edit": can_edit and item.status in {RequestStatus.DRAFT, RequestStatus.REJECTED},
        "can_submit": can_edit
        and item.status in {RequestStatus.DRAFT, RequestStatus.REJECTED, RequestStatus.PENDING},
        "can_dispatch": presales_can_dispatch(user)
        and item.status in {RequestStatus.APPROVED, RequestStatus.DISPATCHED},
        "can_close": (can_edit or presales_can_dispatch(user))
        and item.status not in {RequestStatus.CLOSED, RequestStatus.PENDING},
        "dispatch_form": DispatchForm(initial={"version": item.version}),
    }
    return render(request, "presales/detail.html", context)


def _versioned_action(
    request: AuthenticatedHttpRequest, pk: int, action: Any, success: str
) -> HttpResponse:
    item = presales_request_get_visible(request.user, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请求无效，请刷新后重试。"))
        return redirect(item.get_absolute_url())
    try:
        action(request=item, actor=request.user, version=form.cleaned_data["version"])
    except ValidationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, success)
    return redirect(item.get_absolute_url())


@require_POST
def submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _versioned_action(request, pk, presales_request_submit, _("已提交审批。"))


@require_POST
def close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _versioned_action(request, pk, presales_request_close, _("申请已关闭。"))


@require_POST
def dispatch(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = presales_request_get_visible(request.user, pk)
    if not presales_can_dispatch(request.user):
        raise PermissionDenied
    form = DispatchForm(request.POST)
    if form.is_valid():
        try:
            presales_dispatch(
                request=item,
                actor=request.user,
                version=form.cleaned_data["version"],
                users=list(form.cleaned_data["users"]),
            )
        except ValidationError as error:
            _flash_error(request, error)
        else:
            messages.success(request, _("已派工。"))
    else:
        messages.error(request, _("请至少选择一位售前人员。"))
    return redirect(item.get_absolute_url())


@require_GET
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """My pre-sales work: what I was dispatched to, with the hours form."""
    page = paginate(presales_assignments_of(request.user), page_number(request.GET.get("page")))
    return render(
        request,
        "presales/mine.html",
        {"page_obj": page, "hours_form": HoursLogForm(), "filtered": False},
    )


@require_http_methods(["GET", "POST"])
def log_hours(request: AuthenticatedHttpRequest, assignment_pk: int) -> HttpResponse:
    assignment = presales_assignment_get_visible(request.user, assignment_pk)
    if assignment.user_id != request.user.pk:
        raise PermissionDenied
    form = HoursLogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hours_log_create(
                assignment=assignment,
                actor=request.user,
                day=form.cleaned_data["date"],
                hours=form.cleaned_data["hours"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("工时已登记。"))
            return redirect("presales:log_hours", assignment_pk=assignment.pk)
    status = 422 if request.method == "POST" else 200
    context = {
        "assignment": assignment,
        "form": form,
        "logs": paginate(hours_logs_of(assignment), page_number(request.GET.get("page"))),
    }
    return render(request, "presales/hours.html", context, status=status)


@require_POST
def submit_hours(request: AuthenticatedHttpRequest, assignment_pk: int) -> HttpResponse:
    assignment = presales_assignment_get_visible(request.user, assignment_pk)
    try:
        hours_submit(assignment=assignment, actor=request.user)
    except ValidationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, _("工时已提交确认。"))
    return redirect("presales:log_hours", assignment_pk=assignment.pk)


@require_GET
def costs(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Pre-sales cost per visible opportunity: approved hours × hourly rate."""
    filter_form = CostFilterForm(request.GET or None)
    filters = filter_form.filters()
    rows = presales_cost_rows(request.user, **filters)
    page = paginate(rows, page_number(request.GET.get("page")))
    rate = hourly_rate()
    for row in page.object_list:
        row.cost = hours_cost(row.approved_hours, rate)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter_form": filter_form,
        "page_obj": page,
        "totals": presales_cost_totals(rows),
        "rate": rate,
        "can_export": export_allowed(request.user),
        "query_string": query.urlencode(),
        "filtered": any(v not in (None, "") for v in filters.values()),
    }
    return render(request, "presales/costs.html", context)


_L = gettext_lazy
EXPORT_HEADERS = [
    _L("商机编号"), _L("商机名称"), _L("客户"), _L("负责人"), _L("团队"), _L("登记工时"),
    _L("已确认工时"), _L("每小时费率"), _L("售前成本（元）"),
]  # fmt: skip


@require_GET
def costs_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    user = request.user
    if not export_allowed(user):
        raise PermissionDenied
    filter_form = CostFilterForm(request.GET or None)
    rows = presales_cost_rows(user, **filter_form.filters())
    rate = hourly_rate()
    file_format = "csv" if request.GET.get("format") == "csv" else "xlsx"
    query = request.GET.copy()
    query.pop("format", None)

    def lines() -> Iterator[list[Any]]:
        row: Any
        for row in rows.iterator(chunk_size=500):
            o = row
            yield [
                o.number, o.name, o.account.name, str(o.owner),
                o.owner.team.name if o.owner.team else "", o.logged_hours,
                o.approved_hours,
                rate, hours_cost(o.approved_hours, rate),
            ]  # fmt: skip

    return export_response(
        user=user,
        what=_("售前成本"),
        filename="presales-costs",
        headers=[str(h) for h in EXPORT_HEADERS],
        rows=lines(),
        file_format=file_format,
        filters=query.urlencode(),
    )
