"""Who may do what with quotes. Seeing a quote is seeing its opportunity (that is, its account);
preparing, submitting and sending one is for whoever may edit the deal; only the deal's delivery
manager records the delivery review (SPEC R-OPP-6)."""

from kam.opportunities.enums import TeamRole
from kam.opportunities.models import Opportunity
from kam.opportunities.rules import opportunity_can_edit
from kam.users.models import User


def quote_can_manage(user: User, opportunity: Opportunity) -> bool:
    return opportunity_can_edit(user, opportunity)


def quote_can_review(user: User, opportunity: Opportunity) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return opportunity.team_members.filter(user_id=user.pk, role=TeamRole.DELIVERY_MANAGER).exists()
