"""Django's model backend, with a user's permissions read with the user: every page checks one
(the export buttons of every list), and Django reads them in two more queries, the user's own
and their groups'. The session's user is read with their permission names aggregated into one
column, their subordinates' ids (which every visibility check needs) in another, and their
team; other users' permissions, when asked for, in one query. That query is compiled once per
process (`PreparedQuery`): building and compiling it took ~1.4 ms of every request, running
it ~0.2 ms."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Permission
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model, OuterRef, Q, StringAgg, Subquery, Value
from django.db.models.functions import Concat

from kam.core.prepared import PreparedQuery
from kam.users.models import Team, User
from kam.users.selectors import SUBORDINATES_PRELOADED, subordinate_ids_column

# Permission names are "app_label.codename": no spaces.
_SEPARATOR = " "


def _permission_names_of_row() -> Subquery:
    """The row's user's own and group permissions as one text (a constant grouping: one
    aggregate row per user)."""
    granted = Permission.objects.filter(Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk")))
    return Subquery(
        granted.annotate(full_name=Concat("content_type__app_label", Value("."), "codename"))
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(names=StringAgg("full_name", delimiter=Value(_SEPARATOR)))
        .values("names")
    )


_USER_FIELDS = tuple(field.attname for field in User._meta.concrete_fields)
_TEAM_FIELDS = tuple(field.attname for field in Team._meta.concrete_fields)
_TEAM_COLUMNS = tuple(f"team__{name}" for name in _TEAM_FIELDS)


def _session_user_row(user_id: int) -> Any:
    return (
        User._default_manager.annotate(
            permission_names=_permission_names_of_row(),
            **{SUBORDINATES_PRELOADED: subordinate_ids_column(user_id)},
        )
        .filter(pk=user_id)
        .values_list(*_USER_FIELDS, *_TEAM_COLUMNS, "permission_names", SUBORDINATES_PRELOADED)
    )


_SESSION_USER = PreparedQuery(_session_user_row, [int])


def _session_user(user_id: int) -> tuple[User, str] | None:
    """The user with their team and subordinates, as the queryset would give them, and their
    permission names."""
    rows = _SESSION_USER.run(user_id)
    if not rows:
        return None
    row = rows[0]
    users_end = len(_USER_FIELDS)
    teams_end = users_end + len(_TEAM_FIELDS)
    user = User.from_db(DEFAULT_DB_ALIAS, _USER_FIELDS, row[:users_end])
    team_values = row[users_end:teams_end]
    if team_values[0] is not None:
        user.team = Team.from_db(DEFAULT_DB_ALIAS, _TEAM_FIELDS, team_values)
    permission_names, subordinates = row[teams_end:]
    setattr(user, SUBORDINATES_PRELOADED, subordinates)
    return user, permission_names or ""


class PermissionsInOneQuery(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            key = int(user_id)
        except (TypeError, ValueError):
            return None
        found = _session_user(key)
        if found is None or not self.user_can_authenticate(found[0]):
            return None
        user, permission_names = found
        if not user.is_superuser:
            granted = set(permission_names.split(_SEPARATOR)) - {""}
            user._perm_cache = granted  # type: ignore[attr-defined]
        return user

    def get_all_permissions(
        self, user_obj: User | AnonymousUser, obj: Model | None = None
    ) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cached: set[str] | None = getattr(user_obj, "_perm_cache", None)
        if cached is None:
            permissions: Any = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            names = permissions.values_list("content_type__app_label", "codename")
            cached = {f"{app}.{codename}" for app, codename in names.order_by().distinct()}
            user_obj._perm_cache = cached  # type: ignore[attr-defined]
        return cached
