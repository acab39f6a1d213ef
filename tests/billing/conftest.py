from datetime import date
from decimal import Decimal

import pytest

from kam.contracts.enums import ContractStatus, MilestoneKind, MilestoneTrigger
from kam.contracts.models import Contract, PaymentMilestone
from tests.factories import AccountFactory


def signed_contract(account, amounts, due_dates=None, number=None, status=ContractStatus.SIGNED):
    """A signed contract (or one in `status`) on `account` whose plan is `amounts` (strings),
    written directly."""
    total = sum((Decimal(a) for a in amounts), Decimal("0.00"))
    contract = Contract.objects.create(
        account=account, name="测试合同", amount=total, owner=account.owner,
        created_by=account.owner, status=status, signed_on=date(2026, 1, 5),
    )  # fmt: skip
    contract.number = number or f"HT2026{contract.pk:06d}"
    contract.save(update_fields=["number"])
    due_dates = due_dates or [date(2026, 2, 1)] * len(amounts)
    for position, (amount, due) in enumerate(zip(amounts, due_dates, strict=True), start=1):
        PaymentMilestone.objects.create(
            contract=contract, position=position, kind=MilestoneKind.OTHER, name=f"第{position}期",
            amount=Decimal(amount), trigger=MilestoneTrigger.DATE, fixed_date=due, due_date=due,
        )  # fmt: skip
    return contract


@pytest.fixture
def rep_account(rep):
    return AccountFactory(owner=rep, name="西安智造集团有限公司")


@pytest.fixture
def other_account(other_rep):
    return AccountFactory(owner=other_rep, name="咸阳市中心医院")


@pytest.fixture
def contract(rep_account):
    return signed_contract(rep_account, ["300.00", "400.00", "300.00"])
