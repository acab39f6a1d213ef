from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.users.models import ApiToken, SavedView, User
from kam.users.selectors import SAVED_VIEW_LISTS


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the returned key is shown once and never stored in clear."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=ApiToken.hash_key(key), prefix=key[4:10]
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


# ---- saved views (R-UI-1) ------------------------------------------------------------------

MAX_SAVED_COLUMNS = 30


def _check_list_key(list_key: str) -> None:
    if list_key not in SAVED_VIEW_LISTS:
        raise ValidationError({"list_key": [_("未知的列表。")]})


@transaction.atomic
def saved_view_save(
    *,
    user: User,
    list_key: str,
    name: str,
    query_string: str,
    columns: list[str],
    is_default: bool,
) -> SavedView:
    """Save (or overwrite, by name) the current filters, sort and columns of a list."""
    _check_list_key(list_key)
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("请填写视图名称。")]})
    if is_default:
        SavedView.objects.filter(user=user, list_key=list_key, is_default=True).update(
            is_default=False
        )
    view, _created = SavedView.objects.update_or_create(
        user=user,
        list_key=list_key,
        name=name[:60],
        defaults={
            "query_string": query_string[:2000],
            "columns": columns[:MAX_SAVED_COLUMNS],
            "is_default": is_default,
        },
    )
    return view


@transaction.atomic
def saved_view_set_default(*, view: SavedView, is_default: bool) -> SavedView:
    """Make `view` the one opened by default on its list (or stop it being the default)."""
    SavedView.objects.filter(user=view.user_id, list_key=view.list_key, is_default=True).update(
        is_default=False
    )
    if is_default:
        SavedView.objects.filter(pk=view.pk).update(is_default=True)
    view.is_default = is_default
    return view


@transaction.atomic
def saved_view_delete(*, view: SavedView) -> None:
    view.delete()
