"""The bid gate checks (SPEC R-OPP-3/8); each reads the deal's latest bid."""

from django.utils.translation import gettext_lazy as _

from kam.bids.enums import RESULT_STATUSES, BidStatus, ReviewConclusion, ReviewKind
from kam.bids.selectors import bid_latest
from kam.opportunities.models import Opportunity

APPROVED_OR_LATER = (BidStatus.APPROVED, BidStatus.SUBMITTED, BidStatus.WON, BidStatus.LOST)


def bid_result_recorded(opportunity: Opportunity) -> bool:
    bid = bid_latest(opportunity)
    if bid is None:
        return False
    if bid.status in RESULT_STATUSES:
        return True
    return bid.status == BidStatus.SUBMITTED and bool(bid.result_note.strip())


def bid_approved(opportunity: Opportunity) -> bool:
    bid = bid_latest(opportunity)
    return bid is not None and bid.status in APPROVED_OR_LATER


def bid_reviews_passed(opportunity: Opportunity) -> bool:
    bid = bid_latest(opportunity)
    if bid is None:
        return False
    passed = set(
        bid.reviews.filter(conclusion=ReviewConclusion.PASS).values_list("kind", flat=True)
    )
    return {ReviewKind.TECHNICAL, ReviewKind.COMMERCIAL} <= passed


def register_checks() -> None:
    from kam.opportunities.gates import gate_check_register

    gate_check_register("bid_result_recorded", _("已记录投标结果"))(bid_result_recorded)
    gate_check_register("bid_approved", _("投标已获批准"))(bid_approved)
    gate_check_register("bid_reviews_passed", _("技术和商务评审已通过"))(bid_reviews_passed)
