"""Who may change the intent thresholds and whose A-class lists a user sees (SPEC R-INT-1)."""

from django.db.models import Q

from kam.accounts.rules import owner_scope_ids
from kam.users.enums import Role
from kam.users.models import User

THRESHOLD_EDITORS = frozenset({Role.SALES_DIRECTOR, Role.GENERAL_MANAGER, Role.ADMIN})


def thresholds_manageable_by(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.role in THRESHOLD_EDITORS


def board_owner_q(user: User, prefix: str = "") -> Q:
    """Rows owned by the viewer or anyone below them (everyone for GM/admin): a manager sees
    each rep's list, a rep only their own."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.sees_everything:
        return Q()
    return Q(**{f"{prefix}owner_id__in": owner_scope_ids(user)})
