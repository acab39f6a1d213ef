import pytest

from kam.approvals.enums import ApprovalStatus, StepStatus
from kam.approvals.models import Approval
from kam.approvals.services import approval_approve, approval_reject
from tests.factories import AccountFactory, OpportunityFactory


def approve_fully(approval: Approval) -> Approval:
    """Every approver on the chain says yes, in order."""
    approval.refresh_from_db()
    while approval.status == ApprovalStatus.PENDING:
        step = approval.steps.get(round=approval.round, status=StepStatus.PENDING)
        approval_approve(approval=approval, actor=step.approver, version=approval.version)
        approval.refresh_from_db()
    return approval


def reject(approval: Approval, comment: str = "不同意") -> Approval:
    approval.refresh_from_db()
    step = approval.steps.get(round=approval.round, status=StepStatus.PENDING)
    approval_reject(
        approval=approval, actor=step.approver, version=approval.version, comment=comment
    )
    approval.refresh_from_db()
    return approval


def approval_for(subject, type_code: str) -> Approval:
    from django.contrib.contenttypes.models import ContentType

    return Approval.objects.filter(
        type_code=type_code,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
    ).latest("pk")


@pytest.fixture
def rep_account(rep):
    return AccountFactory(owner=rep, name="西安智造集团有限公司")


@pytest.fixture
def opportunity(rep_account, rep, director):
    return OpportunityFactory(account=rep_account, owner=rep, name="智能工厂一期")
