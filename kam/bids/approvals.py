"""The approval types bids own, re-registered with what runs when they are decided."""

from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.approvals.models import Approval, ApprovalStep
from kam.approvals.registry import ApprovalType, approval_type_register
from kam.approvals.types import AMOUNT_CHAIN, MANAGER_ONLY, STANDARD_CHAIN
from kam.bids.enums import ReviewConclusion
from kam.users.models import User

type Decided = Callable[[Approval, User], None]


def _subject_id(approval: Approval, model: type[models.Model]) -> int | None:
    """The subject's pk when it is one of ours (other apps may use the same type codes)."""
    if approval.subject_id is None or approval.subject_type_id is None:
        return None
    if approval.subject_type_id != ContentType.objects.get_for_model(model).pk:
        return None
    return approval.subject_id


def _bid(approved: bool) -> Decided:
    def decided(approval: Approval, actor: User) -> None:
        from kam.bids.models import Bid
        from kam.bids.services import bid_approval_decided

        if (pk := _subject_id(approval, Bid)) is not None:
            bid_approval_decided(bid_id=pk, approved=approved, actor=actor)

    return decided


def _documents(approved: bool) -> Decided:
    def decided(approval: Approval, actor: User) -> None:
        from kam.bids.models import BidDocumentRequest
        from kam.bids.services import bid_document_decided

        if (pk := _subject_id(approval, BidDocumentRequest)) is not None:
            bid_document_decided(document_id=pk, approved=approved)

    return decided


def _last_comment(approval: Approval, actor: User) -> str:
    step = (
        ApprovalStep.objects.filter(approval=approval, approver=actor, decided_at__isnull=False)
        .order_by("-decided_at", "-pk")
        .first()
    )
    return step.comment if step is not None else ""


def _review(conclusion: str) -> Decided:
    def decided(approval: Approval, actor: User) -> None:
        from kam.bids.models import BidReview
        from kam.bids.services import bid_review_decided

        if (pk := _subject_id(approval, BidReview)) is not None:
            bid_review_decided(
                review_id=pk,
                conclusion=conclusion,
                actor=actor,
                comment=_last_comment(approval, actor),
            )

    return decided


def register_approval_types() -> None:
    approval_type_register(
        ApprovalType(
            code="bid", label=_("投标审批"), default_chain=AMOUNT_CHAIN,
            apply=_bid(True), on_rejected=_bid(False), has_amount=True,
        )
    )  # fmt: skip
    approval_type_register(
        ApprovalType(
            code="bid_documents", label=_("投标文件申请"), default_chain=MANAGER_ONLY,
            apply=_documents(True), on_rejected=_documents(False),
        )
    )  # fmt: skip
    for code, label in (
        ("solution_review", _("技术方案评审")),
        ("commercial_review", _("商务评审")),
    ):
        approval_type_register(
            ApprovalType(
                code=code, label=label, default_chain=STANDARD_CHAIN,
                apply=_review(ReviewConclusion.PASS), on_rejected=_review(ReviewConclusion.FAIL),
                has_amount=True,
            )
        )  # fmt: skip
