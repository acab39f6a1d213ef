"""Money on the account timeline (R-ACT-3): invoices issued and voided, receipts recorded,
allocated and reversed. Read from the billing events, which every one of those writes already
records with its actor, amount and reason."""

from decimal import Decimal
from typing import Any

from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from kam.billing.enums import BillingEventKind
from kam.billing.models import BillingEvent, Invoice, Receipt
from kam.core.choices import choice_label
from kam.interactions.selectors import TimelineItem, TimelineSource, user_text


def _money(amount: Decimal | int | None) -> str:
    return f"{amount:,.2f}" if amount is not None else "—"


def _detail(values: dict[str, Any]) -> str:
    """The contract as `str(contract)` shows it (kam/contracts/models.py), then the note."""
    contract = ""
    if values["contract_name"] is not None:
        contract = f"{values['contract_number'] or ''} {values['contract_name']}".strip()
    return " · ".join(part for part in [contract, values["note"]] if part)


def _invoice_item(values: dict[str, Any]) -> TimelineItem:
    names = {
        "event": choice_label(BillingEventKind, values["kind"]),
        "number": values["invoice_number"],
        "amount": _money(values["amount"]),
    }
    return TimelineItem(
        at=values["at"],
        kind="invoice",
        label=_("发票"),
        title=_("%(event)s %(number)s，价税合计 %(amount)s 元") % names,
        detail=_detail(values),
        url=f"{reverse('billing:invoices')}?contract={values['contract_id']}",
        actor=values["actor"],
        tiebreak=values["pk"],
    )


def _receipt_item(values: dict[str, Any]) -> TimelineItem:
    names = {
        "event": choice_label(BillingEventKind, values["kind"]),
        "amount": _money(values["amount"]),
    }
    if values["kind"] == BillingEventKind.RECEIPT_RECORDED and values["payer_name"]:
        title = _("%(event)s %(amount)s 元（付款方：%(payer)s）") % {
            **names,
            "payer": values["payer_name"],
        }
    else:
        title = _("%(event)s %(amount)s 元") % names
    return TimelineItem(
        at=values["at"],
        kind="receipt",
        label=_("回款"),
        title=title,
        detail=_detail(values),
        url=reverse("billing:receipt", args=[values["receipt_id"]]),
        actor=values["actor"],
        tiebreak=values["pk"],
    )


def _billing_events(account_id: int) -> QuerySet[BillingEvent]:
    """The account's invoices (through their contracts) and receipts are picked by subqueries on
    their indexed account and contract columns."""
    invoices = Invoice.objects.filter(contract__account_id=account_id).values("pk")
    receipts = Receipt.objects.filter(account_id=account_id).values("pk")
    return BillingEvent.objects.filter(Q(invoice_id__in=invoices) | Q(receipt_id__in=receipts))


def _billing_event_item(values: dict[str, Any]) -> TimelineItem:
    if values["invoice_id"] is not None:
        return _invoice_item(values)
    return _receipt_item(values)


billing_event_source = TimelineSource(
    events=_billing_events,
    at="at",
    kind=Case(When(invoice__isnull=False, then=Value("invoice")), default=Value("receipt")),
    # An event is an invoice's or a receipt's: the contract is whichever of the two has one.
    show={
        "kind": "kind",
        "amount": "amount",
        "note": "note",
        "actor": user_text("actor"),
        "invoice_id": "invoice_id",
        "invoice_number": "invoice__number",
        "receipt_id": "receipt_id",
        "payer_name": "receipt__payer_name",
        "contract_id": Coalesce("invoice__contract_id", "receipt__contract_id"),
        "contract_number": Coalesce("invoice__contract__number", "receipt__contract__number"),
        "contract_name": Coalesce("invoice__contract__name", "receipt__contract__name"),
    },
    item=_billing_event_item,
)
