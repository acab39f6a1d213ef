"""Who sees and works review sheets and coaching notes (SPEC §1 applied to R-REV-1/2).

A rep's sheets and coaching notes belong to the rep's reporting line: the rep reads them, the
managers above read and comment. Nothing here looks at accounts except the coaching note's
optional account, which the coach must be able to see.
"""

from django.db.models import Q

from kam.accounts.rules import owner_scope_ids
from kam.users.models import User


def review_rep_scope_q(user: User, prefix: str = "") -> Q:
    """Rows whose rep (at `prefix`rep_id) is the user or below the user."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.sees_everything:
        return Q()
    return Q(**{f"{prefix}rep_id__in": owner_scope_ids(user)})


def review_can_see_rep(user: User, rep: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.sees_everything or rep.pk in owner_scope_ids(user)


def review_is_manager_of(user: User, rep: User) -> bool:
    """Someone up the rep's reporting line (or GM/admin) — never the rep himself."""
    return user.pk != rep.pk and review_can_see_rep(user, rep)


def review_can_note(user: User, rep: User) -> bool:
    """Only the rep writes the notes, next steps and summary of his own sheet."""
    return user.is_authenticated and user.is_active and user.pk == rep.pk


def review_can_comment(user: User, rep: User) -> bool:
    return review_is_manager_of(user, rep)


def coaching_can_write(user: User, rep: User) -> bool:
    """The rep's managers up the chain (and GM/admin) coach; the rep only reads."""
    return review_is_manager_of(user, rep)
