"""Who may decide an approval and who configures approval chains."""

from kam.approvals.enums import ApprovalStatus, StepStatus
from kam.approvals.models import Approval, ApprovalStep
from kam.users.enums import Role
from kam.users.models import User


def approval_current_step(approval: Approval) -> ApprovalStep | None:
    if approval.status != ApprovalStatus.PENDING:
        return None
    return (
        ApprovalStep.objects.filter(
            approval=approval,
            round=approval.round,
            position=approval.current_position,
            status=StepStatus.PENDING,
        )
        .select_related("approver")
        .first()
    )


def approval_can_decide(user: User, approval: Approval) -> bool:
    """Only the approver of the current pending step decides — not their manager, not the GM."""
    if not user.is_authenticated or not user.is_active:
        return False
    step = approval_current_step(approval)
    return step is not None and step.approver_id == user.pk


def approval_is_requester(user: User, approval: Approval) -> bool:
    return user.is_authenticated and user.is_active and approval.requester_id == user.pk


def approval_chain_manageable_by(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.role in {Role.ADMIN, Role.GENERAL_MANAGER}
