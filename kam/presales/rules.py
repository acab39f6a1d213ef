"""Who may do what with pre-sales requests. Seeing one is seeing its opportunity."""

from kam.opportunities.models import Opportunity
from kam.opportunities.rules import opportunity_can_contribute
from kam.presales.models import PresalesAssignment, PresalesRequest
from kam.users.enums import Role
from kam.users.models import User

DISPATCHER_ROLES = frozenset(
    {Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER, Role.ADMIN}
)


def _active(user: User) -> bool:
    return user.is_authenticated and user.is_active


def presales_can_request(user: User, opportunity: Opportunity) -> bool:
    """Whoever works the deal (editors and team members) may ask for pre-sales support."""
    return _active(user) and opportunity_can_contribute(user, opportunity)


def presales_can_edit_request(user: User, request: PresalesRequest) -> bool:
    return _active(user) and (
        request.requested_by_id == user.pk or opportunity_can_contribute(user, request.opportunity)
    )


def presales_can_dispatch(user: User) -> bool:
    """Managers up the line dispatch pre-sales people (the caller already saw the request)."""
    return _active(user) and (user.is_superuser or user.role in DISPATCHER_ROLES)


def presales_can_log(user: User, assignment: PresalesAssignment) -> bool:
    return _active(user) and assignment.user_id == user.pk
