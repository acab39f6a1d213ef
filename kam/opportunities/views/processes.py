"""Sales-process pages: thin adapters over kam.opportunities forms, selectors and services."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.opportunities.forms import ProcessCreateForm, ProcessForm, StageCreateForm, StageForm
from kam.opportunities.models import SalesProcess
from kam.opportunities.rules import sales_process_manageable_by
from kam.opportunities.selectors import (
    process_stages,
    sales_process_get,
    sales_processes_list,
    stage_get,
)
from kam.opportunities.services.processes import (
    sales_process_create,
    sales_process_set_default,
    sales_process_update,
    stage_activate,
    stage_create,
    stage_deactivate,
    stage_move,
    stage_update,
    stages_reorder,
)
from kam.opportunities.views.gates import gate_context


def _require_manager(request: AuthenticatedHttpRequest) -> None:
    if not sales_process_manageable_by(request.user):
        raise PermissionDenied


def process_list(
    request: AuthenticatedHttpRequest,
    create_form: ProcessCreateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "processes": list(sales_processes_list()),
        "can_manage": sales_process_manageable_by(request.user),
        "create_form": create_form or ProcessCreateForm(),
    }
    return render(request, "opportunities/process_list.html", context, status=status)


@require_POST
def process_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    form = ProcessCreateForm(request.POST)
    if form.is_valid():
        try:
            process = sales_process_create(**form.cleaned_data, actor=request.user)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("销售流程已创建。"))
            return redirect(process.get_absolute_url())
    return process_list(request, create_form=form, status=422)


def _detail(
    request: AuthenticatedHttpRequest,
    process: SalesProcess,
    *,
    process_form: ProcessForm | None = None,
    stage_forms: dict[int, StageForm] | None = None,
    create_form: StageCreateForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
    gate_forms: dict[str, Any] | None = None,
) -> HttpResponse:
    bound = stage_forms or {}
    stages = process_stages(process)
    rows = [
        (s, bound.get(s.pk) or StageForm(initial=StageForm.initial_for(s), prefix=f"stage-{s.pk}"))
        for s in stages
    ]
    context = {
        "process": process,
        "rows": rows,
        "can_manage": sales_process_manageable_by(request.user),
        "process_form": process_form or ProcessForm(initial=ProcessForm.initial_for(process)),
        "create_form": create_form or StageCreateForm(prefix="new"),
        "errors": errors or [],
        **gate_context(stages, **(gate_forms or {})),
    }
    return render(request, "opportunities/process_detail.html", context, status=status)


def process_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, sales_process_get(pk))


@require_POST
def process_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    process = sales_process_get(pk)
    _require_manager(request)
    form = ProcessForm(request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            sales_process_update(
                process=process, version=form.cleaned_data["version"], data=data, actor=request.user
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("销售流程已保存。"))
            return redirect(process.get_absolute_url())
    return _detail(request, process, process_form=form, status=422)


@require_POST
def process_set_default(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    process = sales_process_get(pk)
    _require_manager(request)
    try:
        sales_process_set_default(process=process, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已设为默认销售流程。"))
    return redirect("opportunities:processes")


@require_POST
def stage_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    process = sales_process_get(pk)
    _require_manager(request)
    form = StageCreateForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            stage_create(process=process, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("阶段已添加。"))
            return redirect(process.get_absolute_url())
    return _detail(request, process, create_form=form, status=422)


@require_POST
def stage_edit(request: AuthenticatedHttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    process = sales_process_get(pk)
    stage = stage_get(process, stage_pk)
    _require_manager(request)
    form = StageForm(request.POST, prefix=f"stage-{stage.pk}")
    if form.is_valid():
        try:
            stage_update(stage=stage, data=form.cleaned_data, actor=request.user)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("阶段已保存。"))
            return redirect(process.get_absolute_url())
    return _detail(request, process, stage_forms={stage.pk: form}, status=422)


@require_POST
def stage_move_view(request: AuthenticatedHttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    process = sales_process_get(pk)
    stage = stage_get(process, stage_pk)
    _require_manager(request)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    stage_move(stage=stage, direction=direction, actor=request.user)
    return redirect(process.get_absolute_url())


@require_POST
def stage_active(request: AuthenticatedHttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    process = sales_process_get(pk)
    stage = stage_get(process, stage_pk)
    _require_manager(request)
    try:
        if request.POST.get("active") == "1":
            stage_activate(stage=stage, actor=request.user)
        else:
            stage_deactivate(stage=stage, actor=request.user)
    except ValidationError as error:
        return _detail(request, process, errors=error.messages, status=422)
    messages.success(request, _("阶段状态已更新。"))
    return redirect(process.get_absolute_url())


@require_POST
def reorder(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Drag-and-drop posts every stage id in the new order (`stage` repeated)."""
    process = sales_process_get(pk)
    _require_manager(request)
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        ids = [int(value) for value in request.POST.getlist("stage")]
        stages = stages_reorder(process=process, stage_ids=ids, actor=request.user)
    except (ValueError, ValidationError) as error:
        text = error.messages if isinstance(error, ValidationError) else [_("阶段编号无效。")]
        if wants_json:
            return JsonResponse({"errors": {"stage_ids": text}}, status=422)
        return _detail(request, process, errors=text, status=422)
    if wants_json:
        return JsonResponse({"stage_ids": [s.pk for s in stages]})
    messages.success(request, _("阶段顺序已保存。"))
    return redirect(process.get_absolute_url())
