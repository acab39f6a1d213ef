"""Kanban and list flags: the live bid's status, one query for the whole column."""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from kam.bids.enums import FINISHED_STATUSES, BidStatus
from kam.bids.models import Bid
from kam.opportunities.panels import Badge

TONES = {BidStatus.APPROVAL_PENDING: "warn", BidStatus.WON: "ok"}


def bid_badges(opportunity_ids: Sequence[int]) -> dict[int, list[Badge]]:
    rows = (
        Bid.objects.filter(opportunity_id__in=list(opportunity_ids))
        .exclude(status__in=FINISHED_STATUSES)
        .values_list("opportunity_id", "status")
    )
    return {
        opportunity_id: [
            Badge(
                label=_("投标：%(status)s") % {"status": BidStatus(status).label},
                tone=TONES.get(BidStatus(status), ""),
            )
        ]
        for opportunity_id, status in rows
    }
