"""Pages for contracts and their payment plans. Thin: parse → check → one service → render."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kam.accounts.merging import accounts_editable_by
from kam.accounts.selectors import account_options
from kam.billing.selectors import milestone_money_map
from kam.contracts.enums import ContractStatus, MilestoneKind, MilestoneTrigger
from kam.contracts.forms import (
    AttachmentForm,
    ContractCreateForm,
    ContractFilterForm,
    ContractForm,
    EventForm,
    SubmitForm,
    TerminateForm,
    VersionForm,
    contract_initial,
    plan_rows_from_post,
    template_choices,
)
from kam.contracts.models import Contract, PaymentMilestone
from kam.contracts.rules import contract_can_edit
from kam.contracts.selectors import (
    contract_attachment_get_visible,
    contract_attachments,
    contract_get_visible,
    contract_list,
    contract_milestones,
    contract_pending_approvals,
    contract_total,
    contracts_matching,
)
from kam.contracts.services.attachments import contract_attachment_add, contract_attachment_delete
from kam.contracts.services.closing import contract_complete, contract_termination_request
from kam.contracts.services.contracts import (
    contract_create,
    contract_create_from_opportunity,
    contract_record_acceptance,
    contract_record_delivery,
    contract_update,
)
from kam.contracts.services.plans import payment_plan_replace, payment_plan_template_rows
from kam.contracts.services.signing import contract_submit, payment_plan_change_request
from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.core.pagination import page_number, paginate
from kam.delivery.selectors import delivery_summary
from kam.opportunities.selectors import opportunity_get_visible

SIGNED_STATUSES = (ContractStatus.SIGNED, ContractStatus.EXECUTING)


def _editable(request: AuthenticatedHttpRequest, pk: int) -> Contract:
    contract = contract_get_visible(request.user, pk)
    if not contract_can_edit(request.user, contract):
        raise PermissionDenied(_("只有合同负责人及其上级可以修改合同。"))
    return contract


@require_GET
def contract_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    filter_form = ContractFilterForm(request.GET or None, user=request.user)
    filters = filter_form.filters()
    contracts = contract_list(request.user, filters)
    context = {
        "filter_form": filter_form,
        "page_obj": paginate(contracts, page_number(request.GET.get("page"))),
        "filtered": any(filters.values()),
    }
    return render(request, "contracts/list.html", context)


@require_GET
def contract_list_total(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list's total, loaded by the page once shown: summing every matching contract of a
    director's thousands takes longer than the page's rows."""
    filters = ContractFilterForm(request.GET or None, user=request.user).filters()
    total = contract_total(contracts_matching(request.user, filters, as_id_sets=True))
    return render(request, "contracts/list.html#total", {"total": total})


@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ContractCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            contract = contract_create(
                account=form.cleaned_data["account"], actor=request.user, data=form.service_data()
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("合同已创建，请制定回款计划。"))
            return redirect(contract)
    return render(request, "contracts/form.html", {"form": form, "contract": None})


@require_GET
def account_picker_options(request: AuthenticatedHttpRequest) -> HttpResponse:
    """htmx: the <option>s of the new-contract form's account picker matching the search."""
    options = account_options(
        accounts_editable_by(request.user), request.GET.get("account_search", "")
    )
    return render(request, "partials/account_options.html", {"options": options})


@require_POST
def create_from_opportunity(request: AuthenticatedHttpRequest, opportunity_pk: int) -> HttpResponse:
    opportunity = opportunity_get_visible(request.user, opportunity_pk)
    try:
        contract = contract_create_from_opportunity(opportunity=opportunity, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(opportunity)
    messages.success(request, _("合同已生成，请制定回款计划。"))
    return redirect(contract)


@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = _editable(request, pk)
    if request.method == "POST":
        form = ContractForm(request.POST)
        if form.is_valid():
            try:
                contract_update(
                    contract=contract,
                    actor=request.user,
                    version=form.cleaned_data["version"] or 0,
                    changes=form.service_data(),
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("合同已保存。"))
                return redirect(contract)
    else:
        form = ContractForm(initial=contract_initial(contract))
    return render(request, "contracts/form.html", {"form": form, "contract": contract})


def _render_detail(
    request: AuthenticatedHttpRequest, contract: Contract, status: int = 200, **forms_: Any
) -> HttpResponse:
    milestones = contract_milestones(contract)
    money = milestone_money_map([m.pk for m in milestones], timezone.localdate())
    initial = {"version": contract.version}
    context = {
        "contract": contract,
        "can_edit": contract_can_edit(request.user, contract),
        "is_draft": contract.status == ContractStatus.DRAFT,
        "is_signed": contract.status in SIGNED_STATUSES,
        "milestones": [(m, money[m.pk]) for m in milestones],
        "plan_total": sum((m.amount for m in milestones), Decimal("0.00")),
        "attachments": contract_attachments(contract),
        "delivery_summary": delivery_summary(contract),
        "pending_approvals": contract_pending_approvals(contract),
        "submit_form": forms_.get("submit_form") or SubmitForm(initial=initial),
        "complete_form": VersionForm(initial=initial),
        "terminate_form": forms_.get("terminate_form") or TerminateForm(initial=initial),
        "delivery_form": forms_.get("delivery_form") or EventForm(initial=initial, prefix="d"),
        "acceptance_form": forms_.get("acceptance_form") or EventForm(initial=initial, prefix="a"),
        "attachment_form": forms_.get("attachment_form") or AttachmentForm(),
    }
    return render(request, "contracts/detail.html", context, status=status)


@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, contract_get_visible(request.user, pk))


@require_POST
def submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = _editable(request, pk)
    form = SubmitForm(request.POST)
    if form.is_valid():
        try:
            contract_submit(
                contract=contract,
                actor=request.user,
                version=form.cleaned_data["version"],
                signed_on=form.cleaned_data["signed_on"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("合同已提交审批。"))
            return redirect(contract)
    return _render_detail(request, contract, 422, submit_form=form)


def _record(request: AuthenticatedHttpRequest, pk: int, event: str) -> HttpResponse:
    contract = _editable(request, pk)
    prefix = "d" if event == "delivery" else "a"
    form = EventForm(request.POST, prefix=prefix)
    if form.is_valid():
        record = contract_record_delivery if event == "delivery" else contract_record_acceptance
        try:
            record(
                contract=contract,
                actor=request.user,
                version=form.cleaned_data["version"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                error = ValidationError(
                    {
                        "on" if key in ("delivered_on", "accepted_on") else key: value
                        for key, value in error.error_dict.items()
                    }
                )
            form_add_service_errors(form, error)
        else:
            messages.success(
                request, _("到货已登记。") if event == "delivery" else _("验收已登记。")
            )
            return redirect(contract)
    return _render_detail(request, contract, 422, **{f"{event}_form": form})


@require_POST
def record_delivery(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _record(request, pk, "delivery")


@require_POST
def record_acceptance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _record(request, pk, "acceptance")


@require_POST
def complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = _editable(request, pk)
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            contract_complete(
                contract=contract, actor=request.user, version=form.cleaned_data["version"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("合同已标记为完成。"))
    return redirect(contract)


@require_POST
def terminate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = _editable(request, pk)
    form = TerminateForm(request.POST)
    if form.is_valid():
        try:
            contract_termination_request(
                contract=contract, actor=request.user, version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("终止申请已提交审批。"))
            return redirect(contract)
    return _render_detail(request, contract, 422, terminate_form=form)


def _plan_rows(milestones: list[PaymentMilestone]) -> list[dict[str, Any]]:
    return [
        {
            "kind": m.kind,
            "name": m.name,
            "percent": f"{m.percent.normalize():f}" if m.percent is not None else "",
            "amount": "" if m.percent is not None else f"{m.amount:.2f}",
            "trigger": m.trigger,
            "fixed_date": m.fixed_date.isoformat() if isinstance(m.fixed_date, date) else "",
            "due_days": m.due_days,
        }
        for m in milestones
    ]


@require_http_methods(["GET", "POST"])
def plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The plan editor. A draft's plan is replaced directly; a signed contract's new plan goes
    to the plan-change approval. The browser previews the difference; the service decides."""
    contract = _editable(request, pk)
    changing = contract.status in SIGNED_STATUSES
    if contract.status != ContractStatus.DRAFT and not changing:
        messages.error(request, _("合同审批中或已结束，不能修改回款计划。"))
        return redirect(contract)
    errors: list[str] = []
    reason = ""
    status = 200
    if request.method == "POST":
        rows = plan_rows_from_post(request.POST)
        reason = request.POST.get("reason", "")
        raw_version = request.POST.get("version", "")
        # An unreadable version can only be stale; the service says so.
        version = int(raw_version) if raw_version.isdigit() else -1
        try:
            if changing:
                payment_plan_change_request(
                    contract=contract, actor=request.user, version=version, rows=rows, reason=reason
                )
            else:
                payment_plan_replace(
                    contract=contract, actor=request.user, version=version, rows=rows
                )
        except ValidationError as error:
            errors = list(error.messages)
            status = 422
        else:
            messages.success(
                request,
                _("回款计划变更已提交审批。") if changing else _("回款计划已保存。"),
            )
            return redirect(contract)
    elif request.GET.get("template"):
        try:
            rows = payment_plan_template_rows(request.GET["template"])
        except ValidationError as error:
            rows, errors = _plan_rows(contract_milestones(contract)), list(error.messages)
    else:
        rows = _plan_rows(contract_milestones(contract))
    context = {
        "contract": contract,
        "changing": changing,
        "rows": rows or [{"kind": "", "trigger": "", "due_days": 0}],
        "errors": errors,
        "reason": reason,
        "kinds": MilestoneKind.choices,
        "triggers": MilestoneTrigger.choices,
        "templates": template_choices(),
        "total_fen": int(contract.amount * 100),
    }
    return render(request, "contracts/plan.html", context, status=status)


@require_POST
def attachment_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = _editable(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            contract_attachment_add(
                contract=contract,
                actor=request.user,
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("附件已上传。"))
            return redirect(contract)
    return _render_detail(request, contract, 422, attachment_form=form)


@require_GET
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    attachment = contract_attachment_get_visible(request.user, pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@require_POST
def attachment_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attachment = contract_attachment_get_visible(request.user, pk)
    contract_attachment_delete(attachment=attachment, actor=request.user)
    messages.success(request, _("附件已删除。"))
    return redirect(attachment.contract)
