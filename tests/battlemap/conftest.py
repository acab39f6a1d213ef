"""Contracts laid out for the battle map: one milestone per usual instalment, due relative to
today, with money recorded through the billing services."""

from datetime import date, timedelta
from decimal import Decimal
from typing import cast

from django.utils import timezone

from kam.accounts.models import Account
from kam.billing.models import Receipt
from kam.billing.services.invoices import invoice_issue
from kam.billing.services.receipts import receipt_allocate, receipt_record
from kam.contracts.enums import ContractStatus, MilestoneKind, MilestoneTrigger
from kam.contracts.models import Contract, PaymentMilestone
from kam.users.models import User
from tests.factories import AccountFactory

KINDS = (
    MilestoneKind.DOWN_PAYMENT,
    MilestoneKind.DELIVERY,
    MilestoneKind.ACCEPTANCE,
    MilestoneKind.WARRANTY,
)


def today() -> date:
    return timezone.localdate()


def map_contract(
    owner: User,
    amounts: tuple[str, ...] = ("300.00", "400.00", "250.00", "50.00"),
    due_in_days: tuple[int | None, ...] = (-40, -5, 10, None),
    *,
    account_name: str = "西安智造集团有限公司",
    status: str = ContractStatus.EXECUTING,
) -> Contract:
    """A contract whose n-th milestone (首付款, 到货款, 验收款, 质保尾款) is due `due_in_days[n]`
    days from today (None: its event is not recorded yet)."""
    account = cast(Account, AccountFactory(owner=owner, name=account_name))
    total = sum((Decimal(a) for a in amounts), Decimal("0.00"))
    contract = Contract.objects.create(
        account=account, name=f"{account_name}合同", amount=total, owner=owner,
        created_by=owner, status=status, signed_on=today() - timedelta(days=60),
    )  # fmt: skip
    contract.number = f"HT2026{contract.pk:06d}"
    contract.save(update_fields=["number"])
    for position, (kind, amount, days) in enumerate(
        zip(KINDS, amounts, due_in_days, strict=False), start=1
    ):
        due = today() + timedelta(days=days) if days is not None else None
        PaymentMilestone.objects.create(
            contract=contract, position=position, kind=kind, amount=Decimal(amount),
            trigger=MilestoneTrigger.DATE if due else MilestoneTrigger.ACCEPTANCE,
            fixed_date=due, due_date=due,
        )  # fmt: skip
    return contract


def pay(contract: Contract, finance: User, position: int, amount: str) -> Receipt:
    milestone = contract.milestones.get(position=position)
    receipt = receipt_record(
        account=contract.account, actor=finance,
        data={"amount": amount, "received_on": today(), "method": "bank_transfer",
              "contract": contract},
    )  # fmt: skip
    receipt_allocate(
        receipt=receipt, allocations=[(milestone, amount)], actor=finance, version=receipt.version
    )
    return receipt


def invoice(contract: Contract, finance: User, position: int, amount: str, number: str) -> None:
    invoice_issue(
        milestone=contract.milestones.get(position=position), actor=finance,
        data={"kind": "special", "number": number, "tax_rate": "13", "amount_with_tax": amount,
              "issued_on": today()},
    )  # fmt: skip
