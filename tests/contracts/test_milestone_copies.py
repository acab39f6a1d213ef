"""A milestone keeps copies of its contract's account and of "the contract is signed"
(`PaymentMilestone.account` / `billable`, which the dashboard and aging scan): every status
change and every account merge carries them along."""

import pytest
from django.utils import timezone

from kam.accounts.merging import account_merge
from kam.approvals.services import approval_approve, approval_return
from kam.billing.models import Receipt
from kam.billing.services.receipts import receipt_reverse
from kam.contracts.enums import BILLABLE_STATUSES, ContractStatus
from kam.contracts.models import Contract, PaymentMilestone
from kam.contracts.services.closing import contract_complete, contract_termination_request
from kam.contracts.services.contracts import contract_record_delivery
from kam.contracts.services.signing import contract_submit
from tests.accounts.helpers import make_account
from tests.contracts.conftest import make_contract, pay_all, plan_template, sign

pytestmark = pytest.mark.django_db


def _copies(contract: Contract) -> set[tuple[int, bool]]:
    contract.refresh_from_db()
    rows = PaymentMilestone.objects.filter(contract=contract)
    assert rows.exists()
    return set(rows.values_list("account_id", "billable"))


def _follows(contract: Contract) -> bool:
    return _copies(contract) == {(contract.account_id, contract.status in BILLABLE_STATUSES)}


def test_the_copies_follow_submission_return_signing_and_delivery(rep, manager, director):
    contract = plan_template(make_contract(rep), rep)
    assert _follows(contract) and contract.status == ContractStatus.DRAFT
    approval = contract_submit(contract=contract, actor=rep, version=contract.version)
    assert _follows(contract) and contract.status == ContractStatus.IN_APPROVAL
    approval_return(approval=approval, actor=manager, version=approval.version, comment="改")
    assert _follows(contract) and contract.status == ContractStatus.DRAFT
    approval = contract_submit(contract=contract, actor=rep, version=contract.version)
    for approver in (manager, director):
        approval.refresh_from_db()
        approval_approve(approval=approval, actor=approver, version=approval.version, comment="")
    assert _follows(contract) and contract.status == ContractStatus.SIGNED
    assert _copies(contract) == {(contract.account_id, True)}
    contract_record_delivery(
        contract=contract, actor=rep, version=contract.version, on=timezone.localdate()
    )
    assert _follows(contract) and contract.status == ContractStatus.EXECUTING


def test_the_copies_follow_completion_reopening_and_termination(rep, manager, director, finance):
    contract = sign(make_contract(rep, amount="1000.00"), rep, [manager, director, finance])
    pay_all(contract, finance)
    contract_complete(contract=contract, actor=rep, version=contract.version)
    assert _follows(contract) and contract.status == ContractStatus.COMPLETED
    receipt = Receipt.objects.get()
    receipt_reverse(receipt=receipt, actor=finance, version=receipt.version, reason="退票")
    assert _follows(contract) and contract.status == ContractStatus.EXECUTING
    approval = contract_termination_request(
        contract=contract, actor=rep, version=contract.version, reason="客户项目取消"
    )
    for approver in (manager, director):
        approval.refresh_from_db()
        approval_approve(approval=approval, actor=approver, version=approval.version)
    assert _follows(contract) and contract.status == ContractStatus.TERMINATED


def test_merging_the_account_moves_the_copies(rep, manager, director, finance):
    contract = sign(make_contract(rep), rep, [manager, director, finance])
    target = make_account(name="西安市第一医院", owner=rep)
    account_merge(source=contract.account, target=target, reason="重复录入", actor=rep)
    assert _copies(contract) == {(target.pk, True)}
