from django.db import connection
from django.db.models import QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404

from kam.users.models import SavedView, User

# Set on the session's user by the authentication backend, read with the user's own row.
SUBORDINATES_PRELOADED = "subordinate_ids_text"
_SEPARATOR = " "


def _subordinates_sql(user_id: int, aggregate: str) -> tuple[str, list[int | bool]]:
    """Everyone below the user in the reports-to chain, as `SELECT <aggregate> FROM below`.

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
        SELECT {aggregate} FROM below WHERE id <> %s
    """  # noqa: S608 - only the table name and a fixed aggregate are interpolated
    return sql, [user_id, True, True, user_id]


def subordinate_ids_column(user_id: int) -> RawSQL:
    """The user's subordinates' ids as one text column (space-separated, NULL for none), for
    reading them with the user's row: the session's user costs one query, not two."""
    if connection.vendor == "postgresql":
        aggregate = f"STRING_AGG(CAST(id AS TEXT), '{_SEPARATOR}')"
    else:
        aggregate = f"GROUP_CONCAT(id, '{_SEPARATOR}')"
    sql, params = _subordinates_sql(user_id, aggregate)
    return RawSQL(f"({sql})", params, output_field=TextField())  # noqa: S611 - values are params


def user_subordinate_ids(user: User) -> set[int]:
    """Everyone below `user` in the reports-to chain (not the user themself); read with the
    user's row when the user is the session's (`subordinate_ids_column`)."""
    if hasattr(user, SUBORDINATES_PRELOADED):
        preloaded: str | None = getattr(user, SUBORDINATES_PRELOADED)
        return {int(part) for part in (preloaded or "").split(_SEPARATOR) if part}
    sql, params = _subordinates_sql(user.pk, "id")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
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
