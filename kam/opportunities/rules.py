"""Who may do what with sales processes and opportunities.

Seeing an opportunity is seeing its account (`account_visibility_q`, which already counts
opportunity team members and approvers). Editing is for the owner's and the account owner's
reporting line; team members contribute (attest, work the action plan) but do not edit.
"""

from kam.accounts.rules import account_visibility_q, owner_scope_ids
from kam.opportunities.models import Opportunity
from kam.users.enums import Role
from kam.users.models import User


def _active(user: User) -> bool:
    return user.is_authenticated and user.is_active


def sales_process_manageable_by(user: User) -> bool:
    if not _active(user):
        return False
    return user.is_superuser or user.role in {Role.ADMIN, Role.GENERAL_MANAGER}


def opportunity_can_view(user: User, opportunity: Opportunity) -> bool:
    return Opportunity.objects.filter(
        account_visibility_q(user, "account__"), pk=opportunity.pk
    ).exists()


def opportunity_can_edit(user: User, opportunity: Opportunity) -> bool:
    if not _active(user):
        return False
    if user.sees_everything:
        return True
    scope = owner_scope_ids(user)
    return opportunity.owner_id in scope or opportunity.account.owner_id in scope


def opportunity_is_member(user: User, opportunity: Opportunity) -> bool:
    return opportunity.team_members.filter(user_id=user.pk).exists()


def opportunity_can_contribute(user: User, opportunity: Opportunity) -> bool:
    """Edit rights, or a seat on the deal's team."""
    return opportunity_can_edit(user, opportunity) or (
        _active(user) and opportunity_is_member(user, opportunity)
    )


def gate_bypass_allowed(user: User) -> bool:
    """Only an administrator overrides a gate, and the bypass is recorded (SPEC R-OPP-3)."""
    return _active(user) and (user.is_superuser or user.role == Role.ADMIN)


def violations_report_allowed(user: User) -> bool:
    """Managers and up read the gate-violations report; a rep sees bypasses on the deal page."""
    return _active(user) and (
        user.is_superuser
        or user.role in {Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER, Role.ADMIN}
    )
