"""Who may do what with bids. Seeing a bid is seeing its opportunity (its account)."""

from kam.opportunities.models import Opportunity
from kam.opportunities.rules import opportunity_can_contribute, opportunity_can_edit
from kam.users.models import User


def bid_can_prepare(user: User, opportunity: Opportunity) -> bool:
    """The deal team prepares the bid: documents, reviews, negotiation notes."""
    return (
        user.is_authenticated and user.is_active and opportunity_can_contribute(user, opportunity)
    )


def bid_can_manage(user: User, opportunity: Opportunity) -> bool:
    """Opening a bid, sending it to approval and recording the result is the owner line's."""
    return opportunity_can_edit(user, opportunity)
