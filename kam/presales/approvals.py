"""The approval types pre-sales owns, re-registered with what runs when they are decided."""

from dataclasses import replace

from django.contrib.contenttypes.models import ContentType

from kam.approvals.models import Approval
from kam.approvals.registry import ApprovalType, approval_type_register
from kam.approvals.types import AMOUNT_CHAIN, MANAGER_ONLY, STANDARD_CHAIN
from kam.users.models import User


def _request_id(approval: Approval) -> int | None:
    """The subject's pk when it is a pre-sales request (the type codes are shared)."""
    from kam.presales.models import PresalesRequest

    if approval.subject_id is None or approval.subject_type_id is None:
        return None
    if approval.subject_type_id != ContentType.objects.get_for_model(PresalesRequest).pk:
        return None
    return approval.subject_id


def _request_approved(approval: Approval, actor: User) -> None:
    from kam.presales.services import presales_request_decided

    if (pk := _request_id(approval)) is not None:
        presales_request_decided(request_id=pk, approved=True, actor=actor)


def _request_rejected(approval: Approval, actor: User) -> None:
    from kam.presales.services import presales_request_decided

    if (pk := _request_id(approval)) is not None:
        presales_request_decided(request_id=pk, approved=False, actor=actor)


def _hours_approved(approval: Approval, actor: User) -> None:
    from kam.presales.services import hours_decided

    hours_decided(approval=approval, approved=True, actor=actor)


def _hours_rejected(approval: Approval, actor: User) -> None:
    from kam.presales.services import hours_decided

    hours_decided(approval=approval, approved=False, actor=actor)


def register_approval_types() -> None:
    from django.utils.translation import gettext_lazy as _

    request_type = ApprovalType(
        code="presales_request",
        label=_("售前资源申请"),
        default_chain=AMOUNT_CHAIN,
        apply=_request_approved,
        on_rejected=_request_rejected,
        has_amount=True,
    )
    approval_type_register(request_type)
    approval_type_register(
        replace(
            request_type, code="presales_test", label=_("售前测试"), default_chain=STANDARD_CHAIN
        )
    )
    approval_type_register(
        ApprovalType(
            code="presales_hours",
            label=_("售前工时确认"),
            default_chain=MANAGER_ONLY,
            apply=_hours_approved,
            on_rejected=_hours_rejected,
        )
    )
