"""The approval engine's write path: submit, approve through the chain, apply exactly once,
reject / return / resubmit / withdraw, rollback, stale versions, and chain configuration."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from kam.approvals.chains import chain_effective, chain_token
from kam.approvals.enums import ApprovalStatus, ApproverRule, StepStatus
from kam.approvals.models import Approval, ApprovalChainStep
from kam.approvals.registry import ChainRule
from kam.approvals.selectors import (
    approval_approved_exists,
    approval_pending_exists,
    approval_waiting_count,
    approvals_waiting_for,
)
from kam.approvals.services import (
    approval_approve,
    approval_chain_save,
    approval_reject,
    approval_resubmit,
    approval_return,
    approval_withdraw,
)
from kam.audit.models import FieldChange
from kam.notifications.models import Notification
from kam.users.enums import Role
from tests.approvals.conftest import TEST_TYPE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _steps(approval):
    return [
        (s.round, s.position, s.approver.username, s.status)
        for s in approval.steps.order_by("round", "position")
    ]


def test_submit_resolves_steps_notifies_the_first_approver_and_audits(
    submit, rep, manager, director
):
    approval = submit(amount=Decimal("12345.60"))
    assert approval.status == ApprovalStatus.PENDING
    assert approval.amount == Decimal("12345.60")
    assert _steps(approval) == [(1, 1, "manager", "pending"), (1, 2, "director", "waiting")]
    note = Notification.objects.get(recipient=manager)
    assert note.kind == "approval_pending"
    assert note.url == f"/approvals/{approval.pk}/"
    assert not Notification.objects.filter(recipient=director).exists()
    audited = set(
        FieldChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Approval), object_id=approval.pk
        ).values_list("field", flat=True)
    )
    assert {"type_code", "title", "requester", "status", "amount"} <= audited
    assert list(approvals_waiting_for(manager)) == [approval]
    assert approval_waiting_count(manager) == 1
    assert approval_waiting_count(director) == 0


def test_a_second_pending_approval_for_the_same_subject_is_refused(submit, rep):
    first = submit()
    with pytest.raises(ValidationError, match="已有审批中的同类申请"):
        submit()
    assert approval_pending_exists(type_code=TEST_TYPE, subject=first.account)
    approval_withdraw(approval=first, actor=rep, version=first.version)
    assert submit().pk != first.pk


def test_floats_are_refused_for_amount_and_payload(submit):
    with pytest.raises(ValidationError) as raised:
        submit(amount=1.5)
    assert "amount" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        submit(description="x", discount=0.1)
    assert "payload" in raised.value.message_dict
    assert not Approval.objects.exists()


def test_decimals_in_the_payload_are_stored_as_strings(submit):
    approval = submit(description="x", price=Decimal("10.50"))
    approval.refresh_from_db()
    assert approval.payload["price"] == "10.50"


def test_approve_moves_through_the_chain_and_applies_exactly_once(
    submit, test_type, rep, manager, director, account_a
):
    approval = submit()
    approval_approve(approval=approval, actor=manager, version=approval.version, comment="同意")
    assert approval.status == ApprovalStatus.PENDING
    assert approval.current_position == 2
    assert _steps(approval) == [(1, 1, "manager", "approved"), (1, 2, "director", "pending")]
    assert Notification.objects.filter(recipient=director, kind="approval_pending").count() == 1
    assert test_type.applied == []
    account_a.refresh_from_db()
    assert account_a.description == "旧概况"

    approval_approve(approval=approval, actor=director, version=approval.version)
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED
    assert approval.decided_at is not None
    assert test_type.applied == [approval.pk]
    account_a.refresh_from_db()
    assert account_a.description == "新概况"
    assert FieldChange.objects.filter(
        object_id=account_a.pk, field="description", new_value="新概况", actor=director
    ).exists()
    decided = Notification.objects.get(recipient=rep, kind="approval_decided")
    assert "已通过" in decided.title
    step = approval.steps.get(position=1)
    assert (step.comment, step.decided_at is not None) == ("同意", True)
    with pytest.raises(PermissionDenied):
        approval_approve(approval=approval, actor=director, version=approval.version)
    assert test_type.applied == [approval.pk]


def test_apply_raising_validation_error_rolls_the_whole_approve_back(
    submit, test_type, rep, manager, director, account_a
):
    approval = submit(description="x", fail=True)
    approval_approve(approval=approval, actor=manager, version=approval.version)
    version = approval.version
    with pytest.raises(ValidationError, match="客户概况不符合要求"):
        approval_approve(approval=approval, actor=director, version=version)
    fresh = Approval.objects.get(pk=approval.pk)
    assert (fresh.status, fresh.version, fresh.decided_at) == ("pending", version, None)
    assert fresh.steps.get(position=2).status == StepStatus.PENDING
    assert not Notification.objects.filter(recipient=rep, kind="approval_decided").exists()
    assert not approval_approved_exists(type_code=TEST_TYPE, opportunity=None)


def test_only_the_current_approver_decides(submit, rep, manager, director, gm, colleague):
    approval = submit()
    for someone in (director, gm, rep, colleague):
        with pytest.raises(PermissionDenied):
            approval_approve(approval=approval, actor=someone, version=approval.version)
        with pytest.raises(PermissionDenied):
            approval_reject(approval=approval, actor=someone, version=approval.version, comment="x")
    assert _steps(approval)[0][3] == "pending"


def test_a_stale_version_is_refused(submit, manager):
    approval = submit()
    with pytest.raises(ValidationError, match="已被他人修改"):
        approval_approve(approval=approval, actor=manager, version=approval.version + 1)
    assert Approval.objects.get(pk=approval.pk).steps.get(position=1).status == "pending"


def test_reject_needs_a_comment_then_ends_the_approval(submit, test_type, rep, manager, account_a):
    approval = submit()
    with pytest.raises(ValidationError) as raised:
        approval_reject(approval=approval, actor=manager, version=approval.version, comment=" ")
    assert "comment" in raised.value.message_dict
    approval_reject(approval=approval, actor=manager, version=approval.version, comment="预算不足")
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.REJECTED
    assert _steps(approval) == [(1, 1, "manager", "rejected"), (1, 2, "director", "skipped")]
    assert test_type.rejected == [approval.pk]
    assert test_type.applied == []
    assert "已驳回" in Notification.objects.get(recipient=rep, kind="approval_decided").title
    account_a.refresh_from_db()
    assert account_a.description == "旧概况"


def test_return_then_resubmit_starts_a_new_round(submit, rep, manager, director, colleague):
    approval = submit()
    approval_return(approval=approval, actor=manager, version=approval.version, comment="补充材料")
    assert approval.status == ApprovalStatus.RETURNED
    with pytest.raises(PermissionDenied):
        approval_resubmit(approval=approval, actor=colleague, version=approval.version)
    approval_resubmit(
        approval=approval,
        actor=rep,
        version=approval.version,
        payload={"description": "补充后的概况"},
        amount=Decimal("2000000"),
        title="重新提交",
    )
    approval.refresh_from_db()
    assert (approval.status, approval.round, approval.title) == ("pending", 2, "重新提交")
    assert approval.payload == {"description": "补充后的概况"}
    assert _steps(approval) == [
        (1, 1, "manager", "returned"),
        (1, 2, "director", "skipped"),
        (2, 1, "manager", "pending"),
        (2, 2, "director", "waiting"),
        (2, 3, "gm", "waiting"),
    ]
    assert Notification.objects.filter(recipient=manager, kind="approval_pending").count() == 2
    with pytest.raises(ValidationError, match="被退回"):
        approval_resubmit(approval=approval, actor=rep, version=approval.version)


def test_withdraw_by_the_requester_while_pending(submit, rep, manager):
    approval = submit()
    with pytest.raises(PermissionDenied):
        approval_withdraw(approval=approval, actor=manager, version=approval.version)
    approval_withdraw(approval=approval, actor=rep, version=approval.version)
    assert approval.status == ApprovalStatus.WITHDRAWN
    assert _steps(approval) == [(1, 1, "manager", "skipped"), (1, 2, "director", "skipped")]
    assert approval_waiting_count(manager) == 0
    with pytest.raises(ValidationError, match="审批中"):
        approval_withdraw(approval=approval, actor=rep, version=approval.version)


def test_chain_save_is_admin_only_validated_and_versioned(test_type, admin_user, gm, rep, manager):
    token = chain_token(TEST_TYPE)
    rules = [
        ChainRule(rule=ApproverRule.NAMED_USER, user_id=manager.pk),
        ChainRule(rule=ApproverRule.ROLE, role=Role.FINANCE, min_amount=Decimal("100")),
    ]
    with pytest.raises(PermissionDenied):
        approval_chain_save(type_code=TEST_TYPE, rules=rules, actor=rep, token=token)
    with pytest.raises(ValidationError) as raised:
        approval_chain_save(
            type_code=TEST_TYPE,
            rules=[ChainRule(rule=ApproverRule.ROLE)],
            actor=admin_user,
            token=token,
        )
    assert "role" in raised.value.message_dict
    inactive = UserFactory(username="gone", is_active=False)
    with pytest.raises(ValidationError) as raised:
        approval_chain_save(
            type_code=TEST_TYPE,
            rules=[ChainRule(rule=ApproverRule.NAMED_USER, user_id=inactive.pk)],
            actor=admin_user,
            token=token,
        )
    assert "user" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        approval_chain_save(
            type_code=TEST_TYPE,
            rules=[ChainRule(rule=ApproverRule.REQUESTER_MANAGER, min_amount=Decimal("-1"))],
            actor=admin_user,
            token=token,
        )
    assert "min_amount" in raised.value.message_dict
    approval_chain_save(type_code=TEST_TYPE, rules=rules, actor=admin_user, token=token)
    assert chain_effective(TEST_TYPE) == [
        ChainRule(rule="user", role="", user_id=manager.pk, min_amount=None),
        ChainRule(rule="role", role="finance", user_id=None, min_amount=Decimal("100.00")),
    ]
    with pytest.raises(ValidationError, match="已被他人修改"):
        approval_chain_save(type_code=TEST_TYPE, rules=[], actor=gm, token=token)
    approval_chain_save(type_code=TEST_TYPE, rules=[], actor=gm, token=chain_token(TEST_TYPE))
    assert not ApprovalChainStep.objects.exists()
    assert len(chain_effective(TEST_TYPE)) == 3  # back to the default chain


def test_returned_and_withdrawn_approvals_hand_the_subject_back(submit, test_type, rep, manager):
    returned = submit()
    approval_return(approval=returned, actor=manager, version=returned.version, comment="补材料")
    withdrawn = submit(requester=rep, description="另一份")
    approval_withdraw(approval=withdrawn, actor=rep, version=withdrawn.version)
    assert test_type.sent_back == [returned.pk, withdrawn.pk]
    assert test_type.rejected == [] and test_type.applied == []
