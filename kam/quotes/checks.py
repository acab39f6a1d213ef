"""Gate checks and the delivery-review source this app contributes; each reads quote data."""

from collections.abc import Sequence

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


def delivery_reviewed_ids(opportunity_ids: Sequence[int]) -> set[int]:
    """For kam.assessments' risk flags: deals with a recorded delivery review (one query)."""
    return set(
        DeliveryReview.objects.filter(quote__opportunity_id__in=opportunity_ids)
        .values_list("quote__opportunity_id", flat=True)
        .distinct()
    )


def quote_badges(opportunity_ids: Sequence[int]) -> dict[int, list[Badge]]:
    """Kanban/list flags: pending discount approval, accepted quote (one query)."""
    rows = (
        QuoteVersion.objects.filter(
            opportunity_id__in=opportunity_ids,
            status__in=[QuoteStatus.PENDING_DISCOUNT_APPROVAL, QuoteStatus.ACCEPTED],
        )
        .values_list("opportunity_id", "status")
        .distinct()
    )
    badges: dict[int, list[Badge]] = {}
    for opportunity_id, status in rows:
        if status == QuoteStatus.ACCEPTED:
            badge = Badge(label=str(_("报价已接受")), tone="ok")
        else:
            badge = Badge(label=str(_("折扣审批中")), tone="warn")
        badges.setdefault(opportunity_id, []).append(badge)
    return badges
