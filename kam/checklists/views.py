"""Pages of the collection checklist. Thin: parse → check → one service or selector → render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kam.checklists.forms import (
    AlertSettingsForm,
    EvidenceForm,
    GapFilterForm,
    NoteForm,
    TemplateForm,
)
from kam.checklists.gap_rows import gap_rows_html
from kam.checklists.models import ChecklistItem, ChecklistTemplate
from kam.checklists.rules import checklist_can_edit, checklist_settings_manageable_by
from kam.checklists.selectors import (
    SUMMARY_DAYS,
    checklist_gaps,
    collection_alert_settings,
    contract_checklist,
    evidence_get_visible,
    item_get_visible,
)
from kam.checklists.services import (
    checklist_evidence_add,
    checklist_evidence_delete,
    checklist_item_tick,
    checklist_item_untick,
    checklist_template_create,
    checklist_template_update,
    collection_alert_settings_update,
)
from kam.checklists.sync import checklists_sync
from kam.contracts.models import Contract
from kam.contracts.selectors import contract_get_visible
from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.core.pagination import PAGE_SIZE, Page, page_number


def _contract_url(item: ChecklistItem) -> str:
    url = reverse("checklists:contract", args=[item.milestone.contract_id])
    return f"{url}#item-{item.pk}"


def _editable_item(request: AuthenticatedHttpRequest, pk: int) -> ChecklistItem:
    item = item_get_visible(request.user, pk)
    if not checklist_can_edit(request.user, item.milestone.contract):
        raise PermissionDenied(_("只有合同负责人及其上级可以维护回款清单。"))
    return item


def _render_contract(
    request: AuthenticatedHttpRequest, contract: Contract, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    checklists_sync(contract.milestones.all())
    context = {
        "contract": contract,
        "checklists": contract_checklist(contract, today),
        "can_edit": checklist_can_edit(request.user, contract),
        "summary_days": SUMMARY_DAYS,
        "evidence_form": EvidenceForm(),
    }
    return render(request, "checklists/contract.html", context, status=status)


@require_GET
def contract_view(request: AuthenticatedHttpRequest, contract_id: int) -> HttpResponse:
    return _render_contract(request, contract_get_visible(request.user, contract_id))


def _toggle(request: AuthenticatedHttpRequest, pk: int, done: bool) -> HttpResponse:
    item = _editable_item(request, pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    service = checklist_item_tick if done else checklist_item_untick
    try:
        item = service(item=item, actor=request.user, note=note)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    if not request.htmx:
        return redirect(_contract_url(item))
    # The whole milestone comes back: its counts and the red "missing" box change with a tick.
    checklists = contract_checklist(item.milestone.contract, timezone.localdate())
    context = {
        "checklist": next(c for c in checklists if c.milestone.pk == item.milestone_id),
        "can_edit": True,
        "evidence_form": EvidenceForm(),
    }
    return render(request, "checklists/contract.html#milestone", context)


@require_POST
def item_tick(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _toggle(request, pk, done=True)


@require_POST
def item_untick(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _toggle(request, pk, done=False)


@require_POST
def evidence_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _editable_item(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            checklist_evidence_add(item=item, actor=request.user, upload=form.cleaned_data["file"])
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("证据文件已上传。"))
            return redirect(_contract_url(item))
    for errors in form.errors.values():
        for message in errors:
            messages.error(
                request, _("%(item)s：%(error)s") % {"item": item.label, "error": message}
            )
    return _render_contract(request, item.milestone.contract, status=422)


@require_GET
def evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    evidence = evidence_get_visible(request.user, pk)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


@require_POST
def evidence_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evidence = evidence_get_visible(request.user, pk)
    checklist_evidence_delete(evidence=evidence, actor=request.user)
    messages.success(request, _("证据文件已删除。"))
    return redirect(_contract_url(evidence.item))


@require_GET
def gaps_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    filter_form = GapFilterForm(request.GET or None, user=request.user)
    days, owner_id = filter_form.chosen()
    number = page_number(request.GET.get("page"))
    rows = checklist_gaps(
        request.user, timezone.localdate(), days, owner_id=owner_id,
        offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1,
    )  # fmt: skip
    context = {
        "filter_form": filter_form,
        "page_obj": Page(
            object_list=rows[:PAGE_SIZE], number=number, has_next=len(rows) > PAGE_SIZE
        ),
        "rows_html": gap_rows_html(rows[:PAGE_SIZE]),
        "days": days,
        "filtered": bool(request.GET.get("days") or request.GET.get("owner")),
        "can_manage_settings": checklist_settings_manageable_by(request.user),
    }
    return render(request, "checklists/gaps.html", context)


@require_http_methods(["GET", "POST"])
def alert_settings_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = collection_alert_settings()
    can_edit = checklist_settings_manageable_by(request.user)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有销售总监、总经理和管理员可以修改回款提醒设置。"))
        form = AlertSettingsForm(request.POST)
        if form.is_valid():
            try:
                collection_alert_settings_update(actor=request.user, values=form.service_data())
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("回款提醒设置已保存。"))
                return redirect("checklists:settings")
    else:
        form = AlertSettingsForm(
            initial=AlertSettingsForm.initial_from(current), disabled=not can_edit
        )
    context = {"form": form, "current": current, "can_edit": can_edit}
    return render(request, "checklists/settings.html", context)


def _require_settings_editor(request: AuthenticatedHttpRequest) -> None:
    if not checklist_settings_manageable_by(request.user):
        raise PermissionDenied(_("只有销售总监、总经理和管理员可以修改回款清单模板。"))


@require_GET
def template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "templates": list(ChecklistTemplate.objects.order_by("category", "position", "pk")),
        "can_edit": checklist_settings_manageable_by(request.user),
    }
    return render(request, "checklists/templates.html", context)


@require_http_methods(["GET", "POST"])
def template_form(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    _require_settings_editor(request)
    template = get_object_or_404(ChecklistTemplate, pk=pk) if pk is not None else None
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                if template is None:
                    checklist_template_create(actor=request.user, data=form.service_data())
                else:
                    checklist_template_update(
                        template=template, actor=request.user, data=form.service_data()
                    )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("清单模板已保存。"))
                return redirect("checklists:templates")
    elif template is not None:
        form = TemplateForm(initial=TemplateForm.initial_from(template))
    else:
        form = TemplateForm()
    return render(request, "checklists/template_form.html", {"form": form, "template": template})
