"""Gate checks and the delivery-review source this app contributes; each reads quote data."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Subquery
from django.db.models.expressions import Combinable
from django.utils.translation import gettext_lazy as _

from kam.opportunities.gates import gate_check_register
from kam.opportunities.models import Opportunity
from kam.opportunities.panels import Badge
from kam.quotes.enums import QuoteStatus
from kam.quotes.models import DeliveryReview, QuoteVersion

SENT_OR_LATER = [
    QuoteStatus.SENT,
    QuoteStatus.ACCEPTED,
    QuoteStatus.REJECTED,
    QuoteStatus.SUPERSEDED,
]


@gate_check_register("delivery_review_done", _("交付经理已评审方案、工作量和报价"))
def delivery_review_done(opportunity: Opportunity) -> bool:
    return DeliveryReview.objects.filter(quote__opportunity=opportunity).exists()


@gate_check_register("quote_sent", _("报价已发送客户"))
def quote_sent(opportunity: Opportunity) -> bool:
    # A superseded or declined version was still sent; sent_at says so whatever came after.
    return QuoteVersion.objects.filter(opportunity=opportunity, sent_at__isnull=False).exists()


@gate_check_register("quote_accepted", _("客户已接受报价"))
def quote_accepted(opportunity: Opportunity) -> bool:
    return QuoteVersion.objects.filter(
        opportunity=opportunity, status=QuoteStatus.ACCEPTED
    ).exists()


def delivery_reviewed() -> Exists:
    """For kam.assessments' risk flags: whether the deal has a recorded delivery review."""
    return Exists(DeliveryReview.objects.filter(quote__opportunity_id=OuterRef("pk")))


def _newest_version(status: QuoteStatus) -> Subquery:
    return Subquery(
        QuoteVersion.objects.filter(opportunity_id=OuterRef("pk"), status=status)
        .order_by("-version_no")
        .values("version_no")[:1]
    )


def quote_badge_values() -> dict[str, Combinable]:
    return {
        "pending": _newest_version(QuoteStatus.PENDING_DISCOUNT_APPROVAL),
        "accepted": _newest_version(QuoteStatus.ACCEPTED),
    }


def quote_badges(values: Mapping[str, Any]) -> list[Badge]:
    """Kanban/list flags: pending discount approval, accepted quote; the newer version first."""
    flags = [
        (values["accepted"], _("报价已接受"), "ok"),
        (values["pending"], _("折扣审批中"), "warn"),
    ]
    shown = sorted((flag for flag in flags if flag[0]), key=lambda flag: -flag[0])
    return [Badge(label=str(label), tone=tone) for _version, label, tone in shown]
