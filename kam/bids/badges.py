"""Kanban and list flags: the live bid's status (a deal has at most one live bid)."""

from collections.abc import Mapping
from typing import Any

from django.db.models import OuterRef, Subquery
from django.db.models.expressions import Combinable
from django.utils.translation import gettext as _

from kam.bids.enums import FINISHED_STATUSES, BidStatus
from kam.bids.models import Bid
from kam.opportunities.panels import Badge

TONES = {BidStatus.APPROVAL_PENDING: "warn", BidStatus.WON: "ok"}


def bid_badge_values() -> dict[str, Combinable]:
    live = Bid.objects.filter(opportunity_id=OuterRef("pk")).exclude(status__in=FINISHED_STATUSES)
    return {"status": Subquery(live.order_by().values("status")[:1])}


def bid_badges(values: Mapping[str, Any]) -> list[Badge]:
    if not values["status"]:
        return []
    status = BidStatus(values["status"])
    return [
        Badge(label=_("投标：%(status)s") % {"status": status.label}, tone=TONES.get(status, ""))
    ]
