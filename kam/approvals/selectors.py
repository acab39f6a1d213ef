"""Reads of approvals, always through who may see them (R-SEC-1)."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from kam.accounts.rules import account_visibility_q, owner_scope_ids
from kam.approvals.enums import (
    DECIDED_STEP_STATUSES,
    REACHED_STEP_STATUSES,
    ApprovalStatus,
    StepStatus,
)
from kam.approvals.models import Approval, ApprovalStep
from kam.opportunities.models import Opportunity
from kam.users.models import User

BOXES = ("waiting", "mine", "decided")


def _with_rows(queryset: QuerySet[Approval]) -> QuerySet[Approval]:
    """What a list row shows: requester, account, and the current approver (one query)."""
    return queryset.select_related("requester", "account").prefetch_related(
        Prefetch(
            "steps",
            queryset=ApprovalStep.objects.filter(status=StepStatus.PENDING).select_related(
                "approver"
            ),
            to_attr="pending_steps",
        )
    )


def approvals_visible_to(user: User) -> QuerySet[Approval]:
    """Everything for GM/admin; else own and subordinates' requests, approvals that reached
    someone in the user's scope, and approvals on accounts the user sees."""
    if not user.is_authenticated or not user.is_active:
        return Approval.objects.none()
    if user.sees_everything:
        return Approval.objects.all()
    scope = owner_scope_ids(user)
    reached = ApprovalStep.objects.filter(
        approval_id=OuterRef("pk"), approver_id__in=scope, status__in=REACHED_STEP_STATUSES
    )
    return Approval.objects.filter(
        Q(requester_id__in=scope)
        | Exists(reached)
        | (Q(account__isnull=False) & account_visibility_q(user, "account__"))
    )


def approval_get_visible(user: User, pk: int) -> Approval:
    """The approval, or 404 — an invisible approval looks exactly like a missing one."""
    return get_object_or_404(
        approvals_visible_to(user).select_related("requester", "account", "subject_type"), pk=pk
    )


def approvals_waiting_for(user: User) -> QuerySet[Approval]:
    mine = ApprovalStep.objects.filter(
        approval_id=OuterRef("pk"), approver=user, status=StepStatus.PENDING
    )
    return Approval.objects.filter(Exists(mine), status=ApprovalStatus.PENDING)


def approvals_requested_by(user: User) -> QuerySet[Approval]:
    return Approval.objects.filter(requester=user)


def approvals_decided_by(user: User) -> QuerySet[Approval]:
    decided = ApprovalStep.objects.filter(
        approval_id=OuterRef("pk"), approver=user, status__in=DECIDED_STEP_STATUSES
    )
    return Approval.objects.filter(Exists(decided))


def approvals_box(
    user: User, box: str | None, *, type_code: str = "", status: str = ""
) -> QuerySet[Approval]:
    """One inbox tab (waiting / mine / decided; anything else: all the user may see)."""
    queryset = {
        "waiting": approvals_waiting_for,
        "mine": approvals_requested_by,
        "decided": approvals_decided_by,
    }.get(box or "", approvals_visible_to)(user)
    if type_code:
        queryset = queryset.filter(type_code=type_code)
    if status:
        queryset = queryset.filter(status=status)
    return _with_rows(queryset).order_by("-submitted_at", "-pk")


def approval_waiting_count(user: User) -> int:
    return approvals_waiting_for(user).count()


def approval_steps(approval: Approval) -> list[ApprovalStep]:
    return list(
        ApprovalStep.objects.filter(approval=approval)
        .select_related("approver")
        .order_by("round", "position")
    )


def approvals_for_opportunity(opportunity: Opportunity) -> QuerySet[Approval]:
    return _with_rows(Approval.objects.filter(opportunity=opportunity)).order_by(
        "-submitted_at", "-pk"
    )


def approval_approved_exists(*, type_code: str, opportunity: Opportunity | None) -> bool:
    return Approval.objects.filter(
        type_code=type_code, opportunity=opportunity, status=ApprovalStatus.APPROVED
    ).exists()


def approval_pending_exists(
    *,
    type_code: str,
    subject: models.Model | None = None,
    opportunity: Opportunity | None = None,
) -> bool:
    """A pending approval of this type on the same subject (or the same deal without one)."""
    pending = Approval.objects.filter(type_code=type_code, status=ApprovalStatus.PENDING)
    if subject is not None:
        return pending.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
        ).exists()
    if opportunity is not None:
        return pending.filter(opportunity=opportunity, subject_id__isnull=True).exists()
    return False
