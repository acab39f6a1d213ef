"""A signed plan that already has money on it changes without losing that money: the paid
milestone keeps its row (and its allocation), and no change may drop or shrink it below what was
invoiced or received — neither when asked for nor when finally approved."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kam.approvals.models import Approval
from kam.approvals.services import approval_approve
from kam.billing.models import Allocation
from kam.billing.services.receipts import receipt_allocate, receipt_record
from kam.contracts.models import Contract
from kam.contracts.services.plans import payment_plan_template_rows
from kam.contracts.services.signing import payment_plan_change_request
from kam.users.models import User
from tests.contracts.conftest import make_contract, sign

pytestmark = pytest.mark.django_db


def _pay_first(contract: Contract, finance: User, amount: str) -> Allocation:
    receipt = receipt_record(
        account=contract.account, actor=finance,
        data={"amount": amount, "received_on": timezone.localdate(), "method": "bank_transfer"},
    )  # fmt: skip
    (allocation,) = receipt_allocate(
        receipt=receipt, allocations=[(contract.milestones.get(position=1), amount)],
        actor=finance, version=receipt.version,
    )  # fmt: skip
    return allocation


def _approve(approval: Approval, approvers: list[User]) -> None:
    for approver in approvers:
        approval.refresh_from_db()
        approval_approve(approval=approval, actor=approver, version=approval.version)


@pytest.fixture
def paid(rep, manager, director, finance) -> Contract:
    contract = sign(make_contract(rep, amount="100000.00"), rep, [manager, director, finance])
    _pay_first(contract, finance, "30000.00")
    return contract


def test_change_keeps_the_paid_milestone_and_its_allocation(paid, rep, manager, director, finance):
    first = paid.milestones.get(position=1)
    approval = payment_plan_change_request(
        contract=paid, actor=rep, version=paid.version,
        rows=payment_plan_template_rows("30/60/10"), reason="客户要求合并到货与验收款",
    )  # fmt: skip
    _approve(approval, [manager, director, finance])

    amounts = list(paid.milestones.order_by("position").values_list("pk", "amount"))
    assert amounts[0] == (first.pk, Decimal("30000.00"))
    assert [a for _pk, a in amounts] == [
        Decimal("30000.00"),
        Decimal("60000.00"),
        Decimal("10000.00"),
    ]
    assert Allocation.objects.get().milestone_id == first.pk


def test_change_may_not_shrink_a_milestone_below_its_money(paid, rep):
    rows = payment_plan_template_rows("30/60/10")
    rows[0] |= {"percent": "", "amount": "20000.00"}
    rows[1] |= {"percent": "", "amount": "70000.00"}
    rows[2] |= {"percent": "", "amount": "10000.00"}
    with pytest.raises(ValidationError, match=r"30,000\.00 元，金额不能低于此数"):
        payment_plan_change_request(
            contract=paid, actor=rep, version=paid.version, rows=rows, reason="调整"
        )
    assert not Approval.objects.filter(type_code="payment_plan_change").exists()


def test_money_arriving_during_approval_blocks_the_change(rep, manager, director, finance):
    contract = sign(make_contract(rep, amount="100000.00"), rep, [manager, director, finance])
    approval = payment_plan_change_request(
        contract=contract, actor=rep, version=contract.version,
        rows=payment_plan_template_rows("100"), reason="改为验收后一次付清",
    )  # fmt: skip
    _pay_first(contract, finance, "30000.00")

    with pytest.raises(ValidationError, match="款项类型不能改变"):
        _approve(approval, [manager, director, finance])

    assert contract.milestones.count() == 4
    assert Allocation.objects.count() == 1
