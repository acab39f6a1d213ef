"""A contract ends completed (every milestone received in full) or terminated (approved by the
rep's manager and director)."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kam.approvals.models import Approval
from kam.approvals.services import approval_approve
from kam.billing.models import Receipt
from kam.billing.services.receipts import receipt_reverse
from kam.contracts.enums import ContractStatus
from kam.contracts.models import Contract
from kam.contracts.services.closing import contract_complete, contract_termination_request
from kam.users.services import api_token_create
from tests.conftest import client_for
from tests.contracts.conftest import make_contract, pay_all, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(rep, manager, director, finance) -> Contract:
    return sign(make_contract(rep, amount="1000.00"), rep, [manager, director, finance])


def test_completion_refused_while_money_is_owed(signed, rep):
    with pytest.raises(ValidationError, match=r"首付款 还欠 300\.00 元"):
        contract_complete(contract=signed, actor=rep, version=signed.version)
    signed.refresh_from_db()
    assert signed.status == ContractStatus.SIGNED


def test_completion_once_everything_is_received(signed, rep, finance):
    pay_all(signed, finance)
    contract_complete(contract=signed, actor=rep, version=signed.version)
    signed.refresh_from_db()
    assert signed.status == ContractStatus.COMPLETED


@pytest.mark.parametrize("role", ["finance", "other_rep"])
def test_only_the_contract_line_may_complete(signed, finance, request, role):
    pay_all(signed, finance)
    with pytest.raises(PermissionDenied):
        contract_complete(
            contract=signed, actor=request.getfixturevalue(role), version=signed.version
        )


def test_termination_goes_through_manager_and_director(signed, rep, manager, director):
    approval = contract_termination_request(
        contract=signed, actor=rep, version=signed.version, reason="客户项目取消"
    )
    signed.refresh_from_db()
    with pytest.raises(ValidationError, match="已在审批中"):
        contract_termination_request(
            contract=signed, actor=rep, version=signed.version, reason="再次申请"
        )
    assert [s.approver for s in approval.steps.order_by("position")] == [manager, director]
    for approver in (manager, director):
        approval.refresh_from_db()
        approval_approve(approval=approval, actor=approver, version=approval.version)
    signed.refresh_from_db()
    assert signed.status == ContractStatus.TERMINATED
    assert approval.payload["reason"] == "客户项目取消"


def test_termination_needs_a_reason_and_a_running_contract(signed, rep):
    with pytest.raises(ValidationError, match="请说明终止原因"):
        contract_termination_request(contract=signed, actor=rep, version=signed.version, reason=" ")
    draft = make_contract(rep)
    with pytest.raises(ValidationError, match="只有已签订或执行中"):
        contract_termination_request(contract=draft, actor=rep, version=draft.version, reason="x")


def test_pages_complete_and_terminate(signed, rep, finance):
    client = client_for(rep)
    page = client.get(f"/contracts/{signed.pk}/").content.decode()
    assert 'data-testid="terminate-form"' in page
    refused = client.post(
        f"/contracts/{signed.pk}/complete/", {"version": signed.version}, follow=True
    )
    assert "回款尚未结清" in refused.content.decode()
    missing = client.post(f"/contracts/{signed.pk}/terminate/", {"version": signed.version})
    assert missing.status_code == 422
    client.post(
        f"/contracts/{signed.pk}/terminate/", {"version": signed.version, "reason": "客户撤项"}
    )
    assert Approval.objects.filter(type_code="contract_termination", subject_id=signed.pk).exists()
    assert (
        'data-testid="terminate-form"'
        not in client_for(finance).get(f"/contracts/{signed.pk}/").content.decode()
    )


def test_api_complete_and_terminate(signed, rep, finance):
    _token, key = api_token_create(user=rep, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    client = client_for(rep)
    url = f"/api/contracts/{signed.pk}"
    refused = client.post(
        f"{url}/complete", json.dumps({"version": signed.version}), "application/json", **auth
    )
    assert refused.status_code == 422
    asked = client.post(
        f"{url}/terminate", json.dumps({"version": signed.version, "reason": "客户撤项"}),
        "application/json", **auth,
    )  # fmt: skip
    assert asked.status_code == 201 and asked.json()["status"] == "pending"
    pay_all(signed, finance)
    signed.refresh_from_db()
    done = client.post(
        f"{url}/complete", json.dumps({"version": signed.version}), "application/json", **auth
    )
    assert done.status_code == 200 and done.json()["status"] == "completed"


def test_reversing_the_money_reopens_a_completed_contract(signed, rep, finance):
    pay_all(signed, finance)
    contract_complete(contract=signed, actor=rep, version=signed.version)
    receipt = Receipt.objects.get()
    receipt_reverse(receipt=receipt, actor=finance, version=receipt.version, reason="退票")
    signed.refresh_from_db()
    assert signed.status == ContractStatus.EXECUTING
