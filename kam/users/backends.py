"""Django's model backend, with a user's permissions read with the user: every page checks one
(the export buttons of every list), and Django reads them in two more queries, the user's own
and their groups'. The session's user is read with their permission names aggregated into one
column, their subordinates' ids (which every visibility check needs) in another, and their
team; other users' permissions, when asked for, in one query."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Permission
from django.db.models import Model, OuterRef, Q, StringAgg, Subquery, Value
from django.db.models.functions import Concat

from kam.users.models import User
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


class PermissionsInOneQuery(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = (
            User._default_manager.annotate(
                permission_names=_permission_names_of_row(),
                **{SUBORDINATES_PRELOADED: subordinate_ids_column(user_id)},
            )
            .select_related("team")
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        if not user.is_superuser:
            names: str = user.permission_names or ""
            user._perm_cache = set(names.split(_SEPARATOR)) - {""}  # type: ignore[attr-defined]
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
