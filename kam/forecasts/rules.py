"""Whose numbers a forecast may include (SPEC R-OPP-9 with R-SEC-1).

A forecast is a statement about people, so on top of account visibility it is limited to the
deals owned by the viewer and the people below them in the reports-to chain: a rep sees their
own, a manager their team, a director their division, the GM and admins everything. Seeing an
account as a team member or in the public pool never puts another rep's deals in your totals.
"""

from django.db.models import Q

from kam.accounts.rules import account_visibility_q, owner_scope_ids
from kam.users.models import User


def forecast_opportunity_q(user: User) -> Q:
    """Filter on Opportunity selecting the deals `user`'s forecast counts."""
    visible = account_visibility_q(user, "account__")
    if not user.is_authenticated or not user.is_active or user.sees_everything:
        return visible
    return visible & Q(owner_id__in=owner_scope_ids(user))


def forecast_owner_q(user: User, prefix: str = "") -> Q:
    """Filter on rows carrying an owner (snapshots) selecting the owners `user` may see."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.sees_everything:
        return Q()
    return Q(**{f"{prefix}owner_id__in": owner_scope_ids(user)})
