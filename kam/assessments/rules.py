"""Who may work on a deal's assessment, decision chain and action plan.

The assessment is the deal's judgement: only those who may edit the opportunity change it.
The decision chain and the action plan are team work: team members contribute too.
"""

from kam.opportunities.models import Opportunity
from kam.opportunities.rules import (
    opportunity_can_contribute,
    opportunity_can_edit,
    opportunity_can_view,
)
from kam.users.models import User


def assessment_can_edit(user: User, opportunity: Opportunity) -> bool:
    return opportunity_can_edit(user, opportunity)


def deal_work_can_edit(user: User, opportunity: Opportunity) -> bool:
    """Deal contacts and action items."""
    return opportunity_can_contribute(user, opportunity)


def action_owner_allowed(user: User, opportunity: Opportunity) -> bool:
    """An action's owner must be able to open the deal it belongs to."""
    return user.is_active and opportunity_can_view(user, opportunity)
