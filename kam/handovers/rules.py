"""Who may hand over whose work, and who sees which handover records.

A user's work is handed over by their managers up the reports-to chain, the GM or an admin —
the same people who may reassign their accounts. `owner_scope_ids` only walks active users, so a
deactivated user stays manageable by the manager they last reported to (their handover may still
need finishing or undoing after the account is switched off).
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from kam.accounts.rules import owner_scope_ids
from kam.handovers.models import Handover, HandoverItem
from kam.users.enums import Role
from kam.users.models import User


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def handover_can_start(actor: User) -> bool:
    """The new-handover page is for people with someone to hand over: GM, admin, managers."""
    if not _active(actor):
        return False
    return actor.sees_everything or len(owner_scope_ids(actor)) > 1


def handover_can_manage(actor: User, user: User) -> bool:
    """`actor` may hand over (and deactivate) `user`: never themself."""
    if not _active(actor) or actor.pk == user.pk:
        return False
    if actor.sees_everything:
        return True
    scope = owner_scope_ids(actor)
    return user.pk in scope or (not user.is_active and user.manager_id in scope)


def handover_receiver_allowed(actor: User, receiver: User) -> bool:
    """Work goes to active people the actor manages (themself included)."""
    if not receiver.is_active:
        return False
    return actor.sees_everything or receiver.pk in owner_scope_ids(actor)


def managed_users_q(actor: User, prefix: str = "") -> Q:
    """Users `actor` may hand over (`prefix` is the path to the user), the actor excluded."""
    if not _active(actor):
        return Q(pk__in=[])
    own = Q(**{f"{prefix}pk": actor.pk})
    if actor.sees_everything:
        return ~own
    scope = owner_scope_ids(actor)
    return (
        Q(**{f"{prefix}pk__in": scope})
        | Q(**{f"{prefix}is_active": False, f"{prefix}manager_id__in": scope})
    ) & ~own


def handover_visibility_filter(actor: User, queryset: QuerySet[Handover]) -> QuerySet[Handover]:
    """Handovers of people the actor manages, plus those the actor received something in."""
    if not _active(actor):
        return queryset.none()
    if actor.sees_everything:
        return queryset
    received = HandoverItem.objects.filter(handover=OuterRef("pk"), to_user=actor)
    return queryset.filter(managed_users_q(actor, "from_user__") | Q(Exists(received)))


def handover_can_view(actor: User, handover: Handover) -> bool:
    return handover_visibility_filter(actor, Handover.objects.filter(pk=handover.pk)).exists()


def handover_sees_all_items(actor: User, handover: Handover) -> bool:
    """Managers see every item; a receiver sees only what came to them."""
    return actor.sees_everything or handover_can_manage(actor, handover.from_user)


MENU_ROLES = frozenset({Role.SALES_MANAGER, Role.SALES_DIRECTOR})


def handover_menu_shown(user: User) -> bool:
    """Whether the menu offers 离职交接: by role, without a query on every page (the pages
    themselves decide with `handover_can_start`)."""
    return _active(user) and (user.sees_everything or user.role in MENU_ROLES)
