"""Billing pages: receipts, allocation, reversal, invoices, aging (R-COL-3). Thin: parse, check,
call one service or selector, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kam.accounts.models import Account
from kam.accounts.selectors import account_options
from kam.billing.enums import AgingBucket, InvoiceStatus, ReceiptStatus
from kam.billing.forms import AllocateForm, InvoiceForm, ReasonForm, ReceiptForm
from kam.billing.models import Receipt
from kam.billing.rules import billing_can_record
from kam.billing.selectors import (
    GROUPINGS,
    aging,
    aging_page,
    invoice_get_visible,
    invoice_list,
    milestone_get_visible,
    milestone_money_map,
    receipt_allocations,
    receipt_contract_options,
    receipt_get_visible,
    receipt_list,
    receipt_open_milestones,
    receipt_unallocated,
)
from kam.billing.services.invoices import invoice_issue, invoice_void
from kam.billing.services.receipts import receipt_allocate, receipt_record, receipt_reverse
from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.core.pagination import page_number, paginate


def _require_recorder(request: AuthenticatedHttpRequest) -> None:
    if not billing_can_record(request.user):
        raise PermissionDenied(_("只有财务、总经理和管理员可以登记发票和回款。"))


@require_GET
def receipt_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    page = paginate(
        receipt_list(request.user, {"status": status}), page_number(request.GET.get("page"))
    )
    for receipt in page.object_list:
        receipt.unallocated = receipt_unallocated(receipt)
    context = {
        "page_obj": page, "filtered": bool(status), "status": status,
        "statuses": ReceiptStatus.choices, "can_record": billing_can_record(request.user),
    }  # fmt: skip
    return render(request, "billing/receipts.html", context)


@require_http_methods(["GET", "POST"])
def receipt_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_recorder(request)
    form = ReceiptForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            receipt = receipt_record(
                account=form.cleaned_data["account"], actor=request.user, data=form.service_data()
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("回款已登记。"))
            return redirect("billing:receipt", receipt.pk)
    return render(request, "billing/receipt_form.html", {"form": form})


@require_GET
def receipt_accounts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """htmx: the receipt form's account <option>s matching the search."""
    _require_recorder(request)
    options = account_options(Account.objects.all(), request.GET.get("account_search", ""))
    return render(request, "partials/account_options.html", {"options": options})


@require_GET
def receipt_contracts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """htmx: the receipt form's contract <option>s for the chosen account."""
    _require_recorder(request)
    raw = request.GET.get("account", "")
    options = receipt_contract_options(int(raw) if raw.isdigit() else None)
    return render(request, "billing/receipt_form.html#contract_options", {"options": options})


def _render_receipt(
    request: AuthenticatedHttpRequest,
    receipt: Receipt,
    allocate_form: AllocateForm | None = None,
    reverse_form: ReasonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    open_rows = (
        receipt_open_milestones(receipt, today) if receipt.status == ReceiptStatus.RECORDED else []
    )
    milestones = [m for m, _money in open_rows]
    allocate_form = allocate_form or AllocateForm(
        initial={"version": receipt.version}, milestones=milestones
    )
    rows = [
        {"milestone": m, "money": money, "field": allocate_form[f"m{m.pk}"]}
        for m, money in open_rows
    ]
    context = {
        "receipt": receipt, "unallocated": receipt_unallocated(receipt),
        "allocations": receipt_allocations(receipt), "open_rows": rows,
        "allocate_form": allocate_form,
        "reverse_form": reverse_form or ReasonForm(initial={"version": receipt.version}),
        "events": list(receipt.events.select_related("actor")),
        "can_record": billing_can_record(request.user) and receipt.status == ReceiptStatus.RECORDED,
    }  # fmt: skip
    return render(request, "billing/receipt_detail.html", context, status=status)


@require_GET
def receipt_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _render_receipt(request, receipt_get_visible(request.user, pk))


@require_POST
def receipt_allocate_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    receipt = receipt_get_visible(request.user, pk)
    _require_recorder(request)
    milestones = [m for m, _money in receipt_open_milestones(receipt, timezone.localdate())]
    form = AllocateForm(request.POST, milestones=milestones)
    if form.is_valid():
        try:
            receipt_allocate(
                receipt=receipt, allocations=form.lines(), actor=request.user,
                version=form.cleaned_data["version"],
            )  # fmt: skip
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("核销已保存。"))
            return redirect("billing:receipt", receipt.pk)
    return _render_receipt(request, receipt, allocate_form=form, status=422)


@require_POST
def receipt_reverse_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    receipt = receipt_get_visible(request.user, pk)
    _require_recorder(request)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            receipt_reverse(
                receipt=receipt, actor=request.user, version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("回款已冲销。"))
            return redirect("billing:receipt", receipt.pk)
    return _render_receipt(request, receipt, reverse_form=form, status=422)


@require_GET
def invoice_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    # A search hit on an invoice opens this list filtered to the invoice's contract.
    contract = request.GET.get("contract", "")
    page = paginate(
        invoice_list(request.user, {"status": status, "contract": contract}),
        page_number(request.GET.get("page")),
    )
    context = {
        "page_obj": page, "filtered": bool(status or contract), "status": status,
        "contract": contract, "statuses": InvoiceStatus.choices,
        "can_record": billing_can_record(request.user),
        "void_form": ReasonForm(),
    }  # fmt: skip
    return render(request, "billing/invoices.html", context)


@require_http_methods(["GET", "POST"])
def invoice_create(request: AuthenticatedHttpRequest, milestone_pk: int) -> HttpResponse:
    milestone = milestone_get_visible(request.user, milestone_pk)
    _require_recorder(request)
    form = InvoiceForm(
        request.POST or None, initial={"issued_on": timezone.localdate(), "tax_rate": "13"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            invoice_issue(milestone=milestone, actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("发票已登记。"))
            return redirect("billing:invoices")
    money = milestone_money_map([milestone.pk], timezone.localdate())[milestone.pk]
    context = {"form": form, "milestone": milestone, "money": money}
    return render(request, "billing/invoice_form.html", context)


@require_POST
def invoice_void_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invoice = invoice_get_visible(request.user, pk)
    _require_recorder(request)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            invoice_void(
                invoice=invoice, actor=request.user, version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("发票已作废。"))
    else:
        messages.error(request, _("请填写作废原因。"))
    return redirect("billing:invoices")


@require_GET
def aging_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    group_by = request.GET.get("group_by", "contract")
    if group_by not in GROUPINGS:
        group_by = "contract"
    today = timezone.localdate()
    # By contract a director has thousands of rows: the page shows fifty, the total all.
    company = aging(request.user, today, "company")
    fields = GROUPINGS[group_by]
    page = (
        None
        if fields is None
        else aging_page(request.user, today, fields, page_number(request.GET.get("page")))
    )
    rows = company if page is None else page.object_list
    context = {
        "rows": rows, "page_obj": page, "total": company[0] if company else None,
        "group_by": group_by,
        "groupings": [("contract", _("按合同")), ("owner", _("按负责人")), ("team", _("按团队")),
                      ("company", _("全公司"))],
        "buckets": AgingBucket.choices,
    }  # fmt: skip
    return render(request, "billing/aging.html", context)
