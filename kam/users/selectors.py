from django.db import connection
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kam.users.models import SavedView, User


def user_subordinate_ids(user: User) -> set[int]:
    """Everyone below `user` in the reports-to chain (not the user themself).

    One recursive query whatever the depth, so a director's pages cost no more than a rep's.
    An inactive user ends their branch; UNION (not UNION ALL) stops a reports-to cycle.
    """
    table = connection.ops.quote_name(User._meta.db_table)
    sql = f"""
        WITH RECURSIVE below(id) AS (
            SELECT id FROM {table} WHERE manager_id = %s AND is_active = %s
            UNION
            SELECT u.id FROM {table} u JOIN below ON u.manager_id = below.id
            WHERE u.is_active = %s
        )
        SELECT id FROM below WHERE id <> %s
    """  # noqa: S608 - only the table name is interpolated
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, True, True, user.pk])
        return {row[0] for row in cursor.fetchall()}


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


def saved_view_get_own(user: User, pk: int) -> SavedView:
    """One of the user's own saved views; anyone else's is a 404."""
    return get_object_or_404(SavedView, pk=pk, user=user, list_key__in=list(SAVED_VIEW_LISTS))
