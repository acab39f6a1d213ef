"""A throwaway approval type whose apply writes something observable: the account's description,
through the account service. Registered for the test and removed afterwards."""

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kam.accounts.models import Account
from kam.accounts.services import account_update
from kam.approvals import registry
from kam.approvals.enums import ApproverRule
from kam.approvals.registry import ApprovalType, ChainRule, approval_type_register
from kam.approvals.services import approval_submit
from kam.users.enums import Role
from kam.users.services import api_token_create
from tests.factories import AccountFactory

TEST_TYPE = "test_change"


@dataclass
class Calls:
    applied: list[int] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)
    sent_back: list[int] = field(default_factory=list)


@pytest.fixture
def test_type():
    calls = Calls()

    def apply(approval, actor):
        calls.applied.append(approval.pk)
        if approval.payload.get("fail"):
            raise ValidationError({"description": ["客户概况不符合要求。"]})
        account = Account.objects.get(pk=approval.account_id)
        account_update(
            account=account,
            actor=actor,
            version=account.version,
            changes={"description": approval.payload["description"]},
        )

    def on_rejected(approval, actor):
        calls.rejected.append(approval.pk)

    def on_sent_back(approval, actor):
        calls.sent_back.append(approval.pk)

    approval_type_register(
        ApprovalType(
            code=TEST_TYPE,
            label="测试审批",
            default_chain=(
                ChainRule(rule=ApproverRule.REQUESTER_MANAGER),
                ChainRule(rule=ApproverRule.ROLE, role=Role.SALES_DIRECTOR),
                ChainRule(
                    rule=ApproverRule.ROLE,
                    role=Role.GENERAL_MANAGER,
                    min_amount=Decimal("1000000"),
                ),
            ),
            apply=apply,
            on_rejected=on_rejected,
            on_sent_back=on_sent_back,
            has_amount=True,
        )
    )
    yield calls
    registry._TYPES.pop(TEST_TYPE, None)


@pytest.fixture
def account_a(rep):
    return AccountFactory(name="甲方集团有限公司", owner=rep, description="旧概况")


@pytest.fixture
def submit(test_type, account_a, rep):
    """Submit a test approval (by default: the rep, on the rep's account)."""

    def _submit(requester=None, account=None, amount=None, **payload):
        account = account or account_a
        return approval_submit(
            type_code=TEST_TYPE,
            requester=requester or rep,
            title=f"修改客户概况：{account.name}",
            subject=account,
            account=account,
            amount=amount,
            payload=payload or {"description": "新概况"},
        )

    return _submit


@pytest.fixture
def api_client(client):
    def for_user(user):
        _token, key = api_token_create(user=user, name="t")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        return client

    return for_user
