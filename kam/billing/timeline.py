"""Money on the account timeline (R-ACT-3): invoices issued and voided, receipts recorded,
allocated and reversed. Read from the billing events, which every one of those writes already
records with its actor, amount and reason."""

from decimal import Decimal

from django.db.models import Case, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.billing.enums import BillingEventKind
from kam.billing.models import BillingEvent, Invoice, Receipt
from kam.interactions.selectors import TimelineItem, TimelineSource


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


def _billing_events(account: Account) -> QuerySet[BillingEvent]:
    """The account's invoices (through their contracts) and receipts are picked by subqueries on
    their indexed account and contract columns."""
    invoices = Invoice.objects.filter(contract__account_id=account.pk).values("pk")
    receipts = Receipt.objects.filter(account_id=account.pk).values("pk")
    return BillingEvent.objects.filter(Q(invoice_id__in=invoices) | Q(receipt_id__in=receipts))


def _billing_event_items(events: QuerySet[BillingEvent]) -> list[TimelineItem]:
    items = []
    for event in events.select_related("invoice__contract", "receipt__contract", "actor"):
        if event.invoice is not None:
            items.append(_invoice_item(event, event.invoice))
        elif event.receipt is not None:
            items.append(_receipt_item(event, event.receipt))
    return items


billing_event_source = TimelineSource(
    events=_billing_events,
    at="at",
    kind=Case(When(invoice__isnull=False, then=Value("invoice")), default=Value("receipt")),
    items=_billing_event_items,
)
