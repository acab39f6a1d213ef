"""Demo invoices and receipts (R-COL-3) on the demo's signed contracts, so the battle map, the
aging and the dashboard have something to say: milestones paid on time, paid late, paid in part,
a bounced acceptance bill reversed, one customer that overpaid (a credit balance), one transfer
not yet matched to a contract, and milestones that are long overdue. All through the services,
recorded by the finance user."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from kam.billing.enums import InvoiceKind, ReceiptMethod
from kam.billing.models import Allocation, BillingEvent, Invoice, Receipt
from kam.billing.selectors import milestone_money_map
from kam.billing.services.invoices import invoice_issue
from kam.billing.services.receipts import receipt_allocate, receipt_record, receipt_reverse
from kam.contracts.models import Contract, PaymentMilestone
from kam.contracts.services.closing import RUNNING, contract_complete
from kam.users.enums import Role
from kam.users.models import User

# How each billable contract's due milestones are settled, in turn.
PATTERNS = ("on_time", "partial", "unpaid", "overpaid", "bounced", "late")
INVOICE_PREFIX = "DEMO"


class _Biller:
    def __init__(self, finance: User, today: date) -> None:
        self.finance = finance
        self.today = today
        self.invoices = 0

    def invoice(self, milestone: PaymentMilestone, on: date) -> None:
        self.invoices += 1
        invoice_issue(
            milestone=milestone, actor=self.finance,
            data={
                "kind": InvoiceKind.SPECIAL if self.invoices % 3 else InvoiceKind.NORMAL,
                "number": f"{INVOICE_PREFIX}{self.invoices:08d}",
                "tax_rate": "13", "amount_with_tax": milestone.amount,
                "issued_on": min(on, self.today),
            },
        )  # fmt: skip

    def pay(
        self,
        milestone: PaymentMilestone,
        amount: Decimal,
        on: date,
        *,
        extra: Decimal = Decimal("0.00"),
        method: str = ReceiptMethod.BANK_TRANSFER,
    ) -> Receipt:
        contract = milestone.contract
        receipt = receipt_record(
            account=contract.account, actor=self.finance,
            data={
                "amount": amount + extra, "received_on": min(on, self.today), "method": method,
                "contract": contract, "payer_name": contract.account.name,
                "reference": f"{contract.number}-{milestone.position}",
            },
        )  # fmt: skip
        receipt_allocate(
            receipt=receipt, allocations=[(milestone, amount)], actor=self.finance,
            version=receipt.version,
        )  # fmt: skip
        return receipt


def _settle(biller: _Biller, contract: Contract, pattern: str) -> None:
    due = [
        m
        for m in contract.milestones.order_by("position")
        if m.due_date is not None and m.due_date <= biller.today
    ]
    for index, milestone in enumerate(due):
        assert milestone.due_date is not None  # noqa: S101 - filtered above
        biller.invoice(milestone, milestone.due_date - timedelta(days=5))
        last = index == len(due) - 1
        if pattern == "on_time" or (not last and pattern != "unpaid"):
            biller.pay(milestone, milestone.amount, milestone.due_date)
        elif pattern == "partial":
            half = (milestone.amount / 2).quantize(Decimal("0.01"))
            biller.pay(milestone, half, milestone.due_date + timedelta(days=10))
        elif pattern == "overpaid":
            biller.pay(milestone, milestone.amount, milestone.due_date, extra=Decimal("20000.00"))
        elif pattern == "bounced":
            bill = biller.pay(
                milestone, milestone.amount, milestone.due_date,
                method=ReceiptMethod.ACCEPTANCE_BILL,
            )  # fmt: skip
            receipt_reverse(
                receipt=bill, actor=biller.finance, version=bill.version,
                reason="承兑汇票到期被拒付，退票。",
            )  # fmt: skip
        elif pattern == "late":
            biller.pay(milestone, milestone.amount, milestone.due_date + timedelta(days=25))


def _complete_if_settled(contract: Contract, today: date) -> None:
    money = milestone_money_map(list(contract.milestones.values_list("pk", flat=True)), today)
    if money and all(m.outstanding <= 0 for m in money.values()):
        contract.refresh_from_db()
        contract_complete(contract=contract, actor=contract.owner, version=contract.version)


def demo_billing_build(*, account_ids: list[int], today: date) -> int:
    """Returns the number of receipts recorded."""
    finance = User.objects.filter(role=Role.FINANCE, is_active=True).order_by("pk").first()
    if finance is None:
        return 0
    biller = _Biller(finance, today)
    contracts = list(
        Contract.objects.filter(account_id__in=account_ids, status__in=RUNNING)
        .select_related("account")
        .order_by("pk")
    )
    for index, contract in enumerate(contracts):
        _settle(biller, contract, PATTERNS[index % len(PATTERNS)])
    for contract in contracts:
        _complete_if_settled(contract, today)
    if contracts:
        account = contracts[0].account
        receipt_record(
            account=account, actor=finance,
            data={
                "amount": Decimal("56800.00"), "received_on": today - timedelta(days=2),
                "method": ReceiptMethod.BANK_TRANSFER, "contract": None,
                "payer_name": account.name, "reference": "待认领：用途未注明",
            },
        )  # fmt: skip
    return Receipt.objects.filter(account_id__in=account_ids).count()


def demo_billing_reset(account_ids: list[int]) -> None:
    receipts = Receipt.objects.filter(account_id__in=account_ids)
    invoices = Invoice.objects.filter(contract__account_id__in=account_ids)
    BillingEvent.objects.filter(Q(receipt__in=receipts) | Q(invoice__in=invoices)).delete()
    Allocation.objects.filter(receipt__in=receipts).delete()
    receipts.delete()
    invoices.delete()
