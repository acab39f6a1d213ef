"""Contracts and their plans (R-COL-1/2): created from a won deal, a plan that must sum, due
dates that follow delivery and acceptance, signing through the approval engine."""

from datetime import date, timedelta
from decimal import Decimal
from typing import cast

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kam.accounts.models import Account
from kam.approvals.models import Approval
from kam.approvals.services import approval_approve
from kam.contracts.enums import ContractStatus
from kam.contracts.models import Contract, PaymentMilestone
from kam.contracts.services.contracts import (
    contract_create,
    contract_record_acceptance,
    contract_record_delivery,
    contract_update,
)
from kam.contracts.services.plans import (
    add_months,
    payment_plan_replace,
    payment_plan_template_rows,
)
from kam.contracts.services.signing import contract_submit, payment_plan_change_request
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def contract(rep) -> Contract:
    account = cast(Account, AccountFactory(owner=rep))
    return contract_create(
        account=account, actor=rep, data={"name": "锅炉改造", "amount": "100.00"}
    )


def test_create_numbers_the_contract_and_checks_who(rep, other_rep):
    account = cast(Account, AccountFactory(owner=rep))
    contract = contract_create(account=account, actor=rep, data={"name": "一期", "amount": "5"})
    assert contract.number and contract.number.startswith("HT")
    assert contract.owner == rep and contract.status == ContractStatus.DRAFT
    with pytest.raises(PermissionDenied):
        contract_create(account=account, actor=other_rep, data={"name": "x", "amount": "5"})
    with pytest.raises(ValidationError) as caught:
        contract_create(account=account, actor=rep, data={"name": "", "amount": 1.5})
    assert set(caught.value.message_dict) == {"name", "amount"}


def test_template_plan_sums_and_waits_for_its_events(contract, rep):
    rows = payment_plan_template_rows("30/40/25/5")
    milestones = payment_plan_replace(contract=contract, actor=rep, version=contract.version,
                                      rows=rows)  # fmt: skip
    assert [m.amount for m in milestones] == [D("30.00"), D("40.00"), D("25.00"), D("5.00")]
    assert all(m.due_date is None for m in milestones)


def test_a_plan_that_does_not_sum_is_refused_and_nothing_changes(contract, rep):
    rows = [
        {"kind": "down_payment", "trigger": "signing", "amount": "30.00"},
        {"kind": "acceptance", "trigger": "acceptance", "amount": "60.00"},
    ]
    with pytest.raises(ValidationError) as caught:
        payment_plan_replace(contract=contract, actor=rep, version=contract.version, rows=rows)
    assert "相差 10.00 元" in caught.value.message_dict["milestones"][0]
    assert not PaymentMilestone.objects.filter(contract=contract).exists()


def test_row_errors_name_the_row(contract, rep):
    rows = [
        {"kind": "down_payment", "trigger": "date", "percent": "50"},
        {"kind": "nope", "trigger": "signing", "percent": "50", "amount": "1"},
    ]
    with pytest.raises(ValidationError) as caught:
        payment_plan_replace(contract=contract, actor=rep, version=contract.version, rows=rows)
    messages = caught.value.message_dict["milestones"]
    assert any(m.startswith("第 1 个节点") for m in messages)
    assert sum(m.startswith("第 2 个节点") for m in messages) == 2


def test_percentage_plan_follows_a_new_amount(contract, rep):
    payment_plan_replace(contract=contract, actor=rep, version=contract.version,
                         rows=payment_plan_template_rows("30/60/10"))  # fmt: skip
    contract.refresh_from_db()
    contract_update(contract=contract, actor=rep, version=contract.version,
                    changes={"amount": "99999.99"})  # fmt: skip
    amounts = list(contract.milestones.order_by("position").values_list("amount", flat=True))
    assert sum(amounts) == D("99999.99")


def _signed(contract, rep, manager, director, finance) -> Contract:
    payment_plan_replace(contract=contract, actor=rep, version=contract.version,
                         rows=payment_plan_template_rows("30/40/25/5"))  # fmt: skip
    contract.refresh_from_db()
    approval = contract_submit(contract=contract, actor=rep, version=contract.version,
                               signed_on=timezone.localdate() - timedelta(days=60))  # fmt: skip
    for approver in (manager, director, finance):
        approval.refresh_from_db()
        approval_approve(
            approval=approval, actor=approver, version=approval.version, comment="同意"
        )
    contract.refresh_from_db()
    return contract


def test_signing_goes_through_approval_and_sets_due_dates(contract, rep, manager, director,
                                                          finance):  # fmt: skip
    contract = _signed(contract, rep, manager, director, finance)
    assert contract.status == ContractStatus.SIGNED
    down = contract.milestones.get(position=1)
    assert down.due_date == contract.signed_on
    today = timezone.localdate()
    contract = contract_record_delivery(contract=contract, actor=rep, version=contract.version,
                                        on=today - timedelta(days=20))  # fmt: skip
    contract = contract_record_acceptance(contract=contract, actor=rep, version=contract.version,
                                          on=today - timedelta(days=5))  # fmt: skip
    dues = dict(contract.milestones.values_list("position", "due_date"))
    assert dues[2] == today - timedelta(days=20)
    assert dues[3] == today - timedelta(days=5)
    assert dues[4] == add_months(today - timedelta(days=5), 12)
    assert contract.status == ContractStatus.EXECUTING


def test_a_signed_plan_changes_only_through_approval(contract, rep, manager, director, finance):
    contract = _signed(contract, rep, manager, director, finance)
    with pytest.raises(ValidationError):
        payment_plan_replace(contract=contract, actor=rep, version=contract.version,
                             rows=payment_plan_template_rows("100"))  # fmt: skip
    approval = payment_plan_change_request(
        contract=contract, actor=rep, version=contract.version,
        rows=payment_plan_template_rows("30/60/10"), reason="客户要求调整验收款比例",
    )  # fmt: skip
    assert contract.milestones.count() == 4
    for approver in (manager, director, finance):
        approval.refresh_from_db()
        approval_approve(
            approval=approval, actor=approver, version=approval.version, comment="同意"
        )
    assert list(contract.milestones.values_list("amount", flat=True).order_by("position")) == [
        D("30.00"), D("60.00"), D("10.00"),
    ]  # fmt: skip
    assert Approval.objects.filter(type_code="payment_plan_change").count() == 1


def test_add_months_clamps_to_the_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
