"""Who sees whose scorecard: a rep their own, a manager everyone below them, GM/admin all —
the reporting line decides, through `owner_scope_ids` (SPEC R-SEC-1)."""

from django.db.models import Q

from kam.accounts.rules import owner_scope_ids
from kam.users.enums import Role
from kam.users.models import User

# The people who get a row on the team card: the account managers (客户经理); their managers'
# own numbers are the team total, not another row.
CARD_ROLES = (Role.ACCOUNT_MANAGER,)


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def scorecard_can_view(viewer: User, rep: User) -> bool:
    if not _active(viewer):
        return False
    return viewer.sees_everything or rep.pk in owner_scope_ids(viewer)


def scorecard_sees_team(viewer: User) -> bool:
    """A team card is for people with someone below them (or who see everything)."""
    return _active(viewer) and (viewer.sees_everything or len(owner_scope_ids(viewer)) > 1)


def scorecard_can_assess(viewer: User, rep: User) -> bool:
    """Managers up the line (and GM/admin) assess; nobody assesses themself."""
    return viewer.pk != rep.pk and scorecard_can_view(viewer, rep)


def scorecard_reps_q(viewer: User) -> Q:
    """The active card-holding users the viewer may see."""
    if not _active(viewer):
        return Q(pk__in=[])
    rows = Q(is_active=True, role__in=CARD_ROLES)
    if viewer.sees_everything:
        return rows
    return rows & Q(pk__in=owner_scope_ids(viewer))
