from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kam.users.models import SavedView, User


def user_subordinate_ids(user: User) -> set[int]:
    """Everyone below `user` in the reports-to chain (not the user themself).

    Walked level by level: one query per level, and reporting trees are a handful of levels deep.
    """
    found: set[int] = set()
    frontier = {user.pk}
    while frontier:
        below = set(
            User.objects.filter(manager_id__in=frontier, is_active=True).values_list(
                "pk", flat=True
            )
        )
        frontier = below - found - {user.pk}
        found |= frontier
    return found


def users_active() -> QuerySet[User]:
    return User.objects.filter(is_active=True).select_related("team").order_by("username")


# ---- saved views (R-UI-1) ------------------------------------------------------------------

# The lists that have saved views: list key → URL name of the list page.
SAVED_VIEW_LISTS = {
    "accounts": "accounts:list",
    "contacts": "contacts:list",
    "interactions": "interactions:list",
    "opportunities": "opportunities:list",
}


def saved_views_for(user: User, list_key: str) -> QuerySet[SavedView]:
    return SavedView.objects.filter(user=user, list_key=list_key).order_by("name")


def saved_view_default(user: User, list_key: str) -> SavedView | None:
    return SavedView.objects.filter(user=user, list_key=list_key, is_default=True).first()


def saved_view_get_own(user: User, pk: int) -> SavedView:
    """One of the user's own saved views; anyone else's is a 404."""
    return get_object_or_404(SavedView, pk=pk, user=user, list_key__in=list(SAVED_VIEW_LISTS))
