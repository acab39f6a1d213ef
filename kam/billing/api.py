"""/api/billing: receipts, invoices and the aging summary through the same services, rules and
selectors as the pages (R-COL-3, R-API-1). Money in and out as strings."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from kam.accounts.models import Account
from kam.billing.dashboard import (
    Dashboard,
    PeriodFigures,
    dashboard,
    dashboard_today,
    scope_resolve,
)
from kam.billing.enums import AgingBucket
from kam.billing.models import Invoice, Receipt
from kam.billing.schemas import (
    AgingOut,
    AllocateIn,
    DashboardOut,
    ErrorsOut,
    InvoiceIn,
    InvoiceListOut,
    InvoiceOut,
    ReasonIn,
    ReceiptDetailOut,
    ReceiptIn,
    ReceiptListOut,
    ReceiptOut,
)
from kam.billing.selectors import (
    GROUPINGS,
    AgingRow,
    aging,
    aging_rows,
    aging_total,
    invoice_get_visible,
    invoice_list,
    milestone_get_visible,
    receipt_allocations,
    receipt_get_visible,
    receipt_list,
    receipt_unallocated,
)
from kam.billing.services.invoices import invoice_issue, invoice_void
from kam.billing.services.receipts import receipt_allocate, receipt_record, receipt_reverse
from kam.contracts.models import Contract
from kam.core.api import api_user, validation_errors
from kam.users.models import User

router = Router(tags=["billing"])

MAX_LIMIT = 100
API_NAMES = {"account": "account_id", "contract": "contract_id", "milestone": "milestone_id"}


class Page(Schema):
    status: str | None = None
    limit: int = 50
    offset: int = 0


def _page(rows: list[Any], limit: int, offset: int) -> dict[str, Any]:
    return {"items": rows[:limit], "next_offset": offset + limit if len(rows) > limit else None}


def _receipt_out(receipt: Receipt) -> dict[str, Any]:
    return {
        "id": receipt.pk, "account_id": receipt.account_id, "contract_id": receipt.contract_id,
        "amount": str(receipt.amount), "unallocated": str(receipt_unallocated(receipt)),
        "received_on": receipt.received_on, "method": receipt.method,
        "payer_name": receipt.payer_name, "reference": receipt.reference,
        "status": receipt.status, "reversal_reason": receipt.reversal_reason,
        "recorded_by_id": receipt.recorded_by_id, "version": receipt.version,
    }  # fmt: skip


def _receipt_detail(user: User, pk: int) -> dict[str, Any]:
    receipt = receipt_get_visible(user, pk)
    return {
        **_receipt_out(receipt),
        "allocations": [
            {"id": a.pk, "milestone_id": a.milestone_id, "contract_id": a.milestone.contract_id,
             "amount": str(a.amount), "allocated_by_id": a.allocated_by_id,
             "allocated_at": a.allocated_at, "reversed_at": a.reversed_at}
            for a in receipt_allocations(receipt)
        ],
    }  # fmt: skip


def _invoice_out(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.pk, "milestone_id": invoice.milestone_id,
        "contract_id": invoice.contract_id, "kind": invoice.kind, "number": invoice.number,
        "tax_rate": str(invoice.tax_rate), "amount_with_tax": str(invoice.amount_with_tax),
        "amount_without_tax": str(invoice.amount_without_tax), "tax": str(invoice.tax),
        "issued_on": invoice.issued_on, "issued_by_id": invoice.issued_by_id,
        "status": invoice.status, "void_reason": invoice.void_reason, "version": invoice.version,
    }  # fmt: skip


@router.get("/receipts", response=ReceiptListOut)
def receipt_list_endpoint(request: HttpRequest, filters: Query[Page]) -> dict[str, Any]:
    limit, offset = max(1, min(filters.limit, MAX_LIMIT)), max(0, filters.offset)
    rows = receipt_list(api_user(request), {"status": filters.status or ""})
    return _page([_receipt_out(r) for r in rows[offset : offset + limit + 1]], limit, offset)


@router.get("/receipts/{receipt_id}", response=ReceiptDetailOut)
def receipt_get_endpoint(request: HttpRequest, receipt_id: int) -> dict[str, Any]:
    return _receipt_detail(api_user(request), receipt_id)


@router.post("/receipts", response={201: ReceiptOut, 422: ErrorsOut})
def receipt_create_endpoint(request: HttpRequest, payload: ReceiptIn) -> Any:
    user = api_user(request)
    account = Account.objects.filter(pk=payload.account_id).first()
    if account is None:
        return Status(422, {"errors": {"account_id": [_("客户不存在。")]}})
    contract = None
    if payload.contract_id is not None:
        contract = Contract.objects.filter(pk=payload.contract_id).first() or ""
    data = payload.model_dump(exclude={"account_id", "contract_id"})
    try:
        receipt = receipt_record(account=account, actor=user, data={**data, "contract": contract})
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(201, _receipt_detail(user, receipt.pk))


@router.post("/receipts/{receipt_id}/allocate", response={200: ReceiptDetailOut, 422: ErrorsOut})
def receipt_allocate_endpoint(request: HttpRequest, receipt_id: int, payload: AllocateIn) -> Any:
    user = api_user(request)
    receipt = receipt_get_visible(user, receipt_id)
    lines = [(line.milestone_id, line.amount) for line in payload.allocations]
    try:
        receipt_allocate(receipt=receipt, allocations=lines, actor=user, version=payload.version)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return _receipt_detail(user, receipt.pk)


@router.post("/receipts/{receipt_id}/reverse", response={200: ReceiptDetailOut, 422: ErrorsOut})
def receipt_reverse_endpoint(request: HttpRequest, receipt_id: int, payload: ReasonIn) -> Any:
    user = api_user(request)
    receipt = receipt_get_visible(user, receipt_id)
    try:
        receipt_reverse(receipt=receipt, actor=user, version=payload.version, reason=payload.reason)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return _receipt_detail(user, receipt.pk)


@router.get("/invoices", response=InvoiceListOut)
def invoice_list_endpoint(request: HttpRequest, filters: Query[Page]) -> dict[str, Any]:
    limit, offset = max(1, min(filters.limit, MAX_LIMIT)), max(0, filters.offset)
    rows = invoice_list(api_user(request), {"status": filters.status or ""})
    return _page([_invoice_out(i) for i in rows[offset : offset + limit + 1]], limit, offset)


@router.post("/invoices", response={201: InvoiceOut, 422: ErrorsOut})
def invoice_create_endpoint(request: HttpRequest, payload: InvoiceIn) -> Any:
    user = api_user(request)
    milestone = milestone_get_visible(user, payload.milestone_id)
    try:
        invoice = invoice_issue(
            milestone=milestone, actor=user, data=payload.model_dump(exclude={"milestone_id"})
        )
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(201, _invoice_out(invoice))


@router.post("/invoices/{invoice_id}/void", response={200: InvoiceOut, 422: ErrorsOut})
def invoice_void_endpoint(request: HttpRequest, invoice_id: int, payload: ReasonIn) -> Any:
    user = api_user(request)
    invoice = invoice_get_visible(user, invoice_id)
    try:
        invoice = invoice_void(
            invoice=invoice, actor=user, version=payload.version, reason=payload.reason
        )
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return _invoice_out(invoice)


def _aging_out(row: AgingRow) -> dict[str, Any]:
    return {
        "key": row.key, "label": row.label, "outstanding": str(row.outstanding),
        "overdue": str(row.overdue),
        **{bucket.value: str(row.buckets[bucket.value]) for bucket in AgingBucket},
    }  # fmt: skip


@router.get("/aging", response={200: AgingOut, 422: ErrorsOut})
def aging_endpoint(
    request: HttpRequest, group_by: str = "contract", limit: int = 50, offset: int = 0
) -> Any:
    """Rows most overdue first, `limit` from `offset` (finance has ~40k contracts owing); the
    total is always the whole company's as the user sees it."""
    if group_by not in GROUPINGS:
        return Status(
            422, {"errors": {"group_by": [_("只能按 contract、owner、team 或 company 汇总。")]}}
        )
    user, today = api_user(request), timezone.localdate()
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, offset)
    company = aging(user, today, "company")
    fields = GROUPINGS[group_by]
    rows = company if fields is None else aging_rows(user, today, fields, offset, limit + 1)
    return {
        "group_by": group_by, "today": today, "rows": [_aging_out(r) for r in rows[:limit]],
        "next_offset": offset + limit if len(rows) > limit else None,
        "total": _aging_out(aging_total(company)),
    }  # fmt: skip


def _period_out(figures: PeriodFigures) -> dict[str, Any]:
    completion = figures.completion
    return {
        "label": figures.label, "start": figures.start, "end": figures.end,
        "planned": str(figures.planned), "collected": str(figures.collected),
        "received": str(figures.received),
        "completion_rate": None if completion is None else str(completion),
    }  # fmt: skip


def _dashboard_out(board: Dashboard) -> dict[str, Any]:
    aging_figures, dso = board.aging, board.dso
    return {
        "today": board.today,
        "scope": {"kind": board.scope.kind, "label": board.scope.label,
                  "lead_id": board.scope.lead.pk if board.scope.lead else None},
        "month": _period_out(board.month), "quarter": _period_out(board.quarter),
        "series": [_period_out(point) for point in board.series],
        "aging": {**{key: str(value) for key, value in aging_figures.buckets.items()},
                  "overdue": str(aging_figures.overdue),
                  "outstanding": str(aging_figures.outstanding)},
        "top_overdue": [
            {"account_id": row.account_id, "account": row.name, "owner": row.owner,
             "overdue": str(row.overdue), "oldest_days_overdue": row.oldest_days}
            for row in board.top_overdue
        ],
        "dso": {"receivable": str(dso.receivable), "billed_90_days": str(dso.billed),
                "days": None if dso.days is None else str(dso.days)},
    }  # fmt: skip


@router.get("/dashboard", response=DashboardOut)
def dashboard_endpoint(
    request: HttpRequest, scope: str | None = None, lead: int | None = None
) -> dict[str, Any]:
    """The collections dashboard (回款看板) of one scope: `me`, `team` (with `lead`, the head of
    the reporting line) or `company`; a scope beyond the caller's reach is a 403. Definitions
    of every figure, DSO included, in `kam.billing.dashboard`."""
    user = api_user(request)
    try:
        resolved, _leads = scope_resolve(user, scope, lead)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    return _dashboard_out(dashboard(user, resolved, dashboard_today()))
