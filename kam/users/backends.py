"""Django's model backend, with a user's permissions read in one query: every page that
checks one (the export buttons of every list) paid two, the user's own and their groups'."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Permission
from django.db.models import Model, Q

from kam.users.models import User


class PermissionsInOneQuery(ModelBackend):
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
