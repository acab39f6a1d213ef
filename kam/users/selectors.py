from django.db.models import QuerySet

from kam.users.models import User


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
