"""Switching a departing user off (SPEC R-REV-4): refused while they still hold work unless
forced, and then no way back in — sessions ended and API tokens revoked at once."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.audit.models import FieldChange
from kam.handovers.enums import ItemKind
from kam.handovers.selectors import handover_owned
from kam.handovers.services.planning import require_manage
from kam.users.models import ApiToken, User

SESSION_BATCH = 1000


@dataclass
class DeactivationResult:
    user: User
    sessions_ended: int
    tokens_revoked: int


def handover_remaining(user: User) -> dict[str, int]:
    """What the user still holds, per kind, only the kinds with something left."""
    return {kind: n for kind, n in handover_owned(user).counts().items() if n}


def _end_sessions(user: User) -> int:
    """Delete the user's database sessions now.

    Sessions are opaque blobs, so this decodes the unexpired ones in batches and keeps the keys
    whose `_auth_user_id` is the user's: linear in live sessions, which is fine for a rare admin
    action. Even a session missed here (created by a login racing this call) is dead: Django's
    ModelBackend refuses to load an inactive user for a session on its next request."""
    user_id = str(user.pk)
    keys: list[str] = []
    sessions = Session.objects.filter(expire_date__gt=timezone.now()).only(
        "session_key", "session_data"
    )
    for session in sessions.iterator(chunk_size=SESSION_BATCH):
        if session.get_decoded().get("_auth_user_id") == user_id:
            keys.append(session.session_key)
    ended = 0
    for start in range(0, len(keys), SESSION_BATCH):
        batch = keys[start : start + SESSION_BATCH]
        ended += Session.objects.filter(session_key__in=batch).delete()[0]
    return ended


@transaction.atomic
def user_deactivate(*, user: User, actor: User, force: bool = False) -> DeactivationResult:
    """Switch the user off: no login, sessions ended, API tokens revoked, all at once.

    Refused while the user still holds accounts, open deals, leads, tasks or approval steps
    (hand them over first), unless `force` — then what remains stays visible to the managers,
    who can still hand it over from the user's handover page."""
    require_manage(actor, user)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.is_active:
        raise ValidationError(_("该用户已停用。"))
    remaining = handover_remaining(locked)
    if remaining and not force:
        listed = "、".join(
            _("%(kind)s %(count)s 项") % {"kind": ItemKind(kind).label, "count": count}
            for kind, count in remaining.items()
        )
        message = _("该用户名下仍有未交接的工作：%(list)s。请先办理交接。") % {"list": listed}
        raise ValidationError({"force": [message]})
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    FieldChange.objects.create(
        content_type=ContentType.objects.get_for_model(User), object_id=locked.pk,
        field="is_active", field_label=str(User._meta.get_field("is_active").verbose_name),
        old_value=_("是"), new_value=_("否"), actor=actor,
    )  # fmt: skip
    tokens = ApiToken.objects.filter(user=locked, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    user.is_active = False
    sessions = _end_sessions(locked)
    return DeactivationResult(user=user, sessions_ended=sessions, tokens_revoked=tokens)
