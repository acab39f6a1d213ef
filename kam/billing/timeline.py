"""Money on the account timeline (R-ACT-3): invoices issued and voided, receipts recorded,
allocated and reversed. Read from the billing events, which every one of those writes already
records with its actor, amount and reason."""

from datetime import datetime
from decimal import Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.billing.enums import BillingEventKind
from kam.billing.models import BillingEvent, Invoice, Receipt
from kam.interactions.selectors import TimelineItem


def _money(amount: Decimal | None) -> str:
    return f"{amount:,.2f}" if amount is not None else "—"


def _invoice_item(event: BillingEvent, invoice: Invoice) -> TimelineItem:
    names = {
        "event": event.get_kind_display(),
        "number": invoice.number,
        "amount": _money(event.amount),
    }
    return TimelineItem(
        at=event.at,
        kind="invoice",
        label=_("发票"),
        title=_("%(event)s %(number)s，价税合计 %(amount)s 元") % names,
        detail=" · ".join(part for part in [str(invoice.contract), event.note] if part),
        url=f"{reverse('billing:invoices')}?contract={invoice.contract_id}",
        actor=str(event.actor),
        obj=event,
        tiebreak=event.pk,
    )


def _receipt_item(event: BillingEvent, receipt: Receipt) -> TimelineItem:
    names = {"event": event.get_kind_display(), "amount": _money(event.amount)}
    if event.kind == BillingEventKind.RECEIPT_RECORDED and receipt.payer_name:
        title = _("%(event)s %(amount)s 元（付款方：%(payer)s）") % {
            **names,
            "payer": receipt.payer_name,
        }
    else:
        title = _("%(event)s %(amount)s 元") % names
    contract = str(receipt.contract) if receipt.contract else ""
    return TimelineItem(
        at=event.at,
        kind="receipt",
        label=_("回款"),
        title=title,
        detail=" · ".join(part for part in [contract, event.note] if part),
        url=reverse("billing:receipt", args=[receipt.pk]),
        actor=str(event.actor),
        obj=event,
        tiebreak=event.pk,
    )


def billing_event_items(
    account: Account, before: datetime | None, limit: int
) -> list[TimelineItem]:
    """One query: the account's invoices (through their contracts) and receipts are picked by
    subqueries on their indexed account and contract columns."""
    invoices = Invoice.objects.filter(contract__account_id=account.pk).values("pk")
    receipts = Receipt.objects.filter(account_id=account.pk).values("pk")
    events = (
        BillingEvent.objects.filter(Q(invoice_id__in=invoices) | Q(receipt_id__in=receipts))
        .select_related("invoice__contract", "receipt__contract", "actor")
        .order_by("-at", "-pk")
    )
    if before is not None:
        events = events.filter(at__lt=before)
    items = []
    for event in events[:limit]:
        if event.invoice is not None:
            items.append(_invoice_item(event, event.invoice))
        elif event.receipt is not None:
            items.append(_receipt_item(event, event.receipt))
    return items
