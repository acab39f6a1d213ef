"""Who may see and work a lead (SPEC §1 visibility applied to R-LEAD-1)."""

from django.db.models import Q

from kam.accounts.rules import account_visibility_q, owner_scope_ids
from kam.leads.models import Lead
from kam.users.models import User


def lead_visibility_q(user: User) -> Q:
    """A lead tied to an account is seen exactly when its account is; before that it belongs
    to its owner's reporting line only."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.sees_everything:
        return Q()
    return Q(account__isnull=False) & account_visibility_q(user, "account__") | Q(
        account__isnull=True, owner_id__in=owner_scope_ids(user)
    )


def lead_can_edit(user: User, lead: Lead) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.sees_everything:
        return True
    return lead.owner_id in owner_scope_ids(user)
