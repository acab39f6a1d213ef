"""Coaching notes (R-REV-2): accompanied visits and recording analysis, with a follow-up that
the coach is reminded of when it is overdue."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.rules import account_can_view
from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.core.versioning import lock_at_version, save_bumped
from kam.notifications.enums import NotificationKind
from kam.notifications.services import notify
from kam.reviews.enums import CoachingKind
from kam.reviews.models import CoachingNote
from kam.reviews.rules import (
    coaching_can_write,
)
from kam.reviews.selectors import coaching_overdue_q
from kam.reviews.services.sheets import text_clean
from kam.users.enums import Role
from kam.users.models import User

COACHING_FIELDS = [
    "kind", "account", "happened_on", "observations", "strengths", "improvements",
    "follow_up_action", "follow_up_due",
]  # fmt: skip


def _coaching_clean(data: dict[str, Any], *, actor: User, rep: User) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean = dict(data)
    if clean.get("kind") not in CoachingKind.values:
        errors["kind"] = [_("请选择辅导方式。")]
    if not clean.get("happened_on"):
        errors["happened_on"] = [_("请填写辅导日期。")]
    elif clean["happened_on"] > timezone.localdate():
        errors["happened_on"] = [_("辅导日期不能晚于今天。")]
    for field in ("observations", "strengths", "improvements", "follow_up_action"):
        try:
            clean[field] = text_clean(clean.get(field, ""), field, required=field == "observations")
        except ValidationError as error:
            errors.update(error.message_dict)
    account = clean.get("account")
    if account == "" or (account is not None and not account_can_view(actor, account)):
        errors["account"] = [_("客户不存在或你无权查看。")]
    if clean.get("follow_up_due") and not clean.get("follow_up_action"):
        errors["follow_up_action"] = [_("设置了跟进截止日期，请写明跟进要求。")]
    if clean.get("follow_up_action") and not clean.get("follow_up_due"):
        errors["follow_up_due"] = [_("请设置跟进截止日期。")]
    if errors:
        raise ValidationError(errors)
    return {key: clean.get(key) for key in COACHING_FIELDS}


@transaction.atomic
def coaching_note_create(*, rep: User, actor: User, data: dict[str, Any]) -> CoachingNote:
    if rep.role != Role.ACCOUNT_MANAGER:
        raise ValidationError({"rep": [_("只能为客户经理记录辅导。")]})
    if not coaching_can_write(actor, rep):
        raise PermissionDenied(_("只有客户经理的上级可以记录辅导。"))
    clean = _coaching_clean(data, actor=actor, rep=rep)
    note = CoachingNote.objects.create(rep=rep, coach=actor, **clean)
    audit_record_creation(instance=note, fields=COACHING_FIELDS, actor=actor)
    return note


@transaction.atomic
def coaching_note_update(
    *, note: CoachingNote, actor: User, version: int, changes: dict[str, Any]
) -> CoachingNote:
    if not coaching_can_write(actor, note.rep):
        raise PermissionDenied(_("只有客户经理的上级可以修改辅导记录。"))
    locked = lock_at_version(
        CoachingNote.objects.all(), pk=note.pk, version=version, field="version"
    )
    current = {key: getattr(locked, key) for key in COACHING_FIELDS}
    clean = _coaching_clean({**current, **changes}, actor=actor, rep=note.rep)
    before = audit_snapshot(locked, COACHING_FIELDS)
    for key, value in clean.items():
        setattr(locked, key, value)
    save_bumped(locked, COACHING_FIELDS)
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


@transaction.atomic
def coaching_follow_up_complete(
    *, note: CoachingNote, actor: User, result: str, version: int
) -> CoachingNote:
    """The coach checks the follow-up and records how it went."""
    if not coaching_can_write(actor, note.rep):
        raise PermissionDenied(_("只有客户经理的上级可以确认辅导跟进。"))
    result = text_clean(result, "follow_up_result", required=True)
    locked = lock_at_version(
        CoachingNote.objects.all(), pk=note.pk, version=version, field="version"
    )
    if locked.follow_up_due is None:
        raise ValidationError({"follow_up_result": [_("这条辅导记录没有跟进要求。")]})
    if locked.follow_up_done_at is not None:
        raise ValidationError({"follow_up_result": [_("跟进已确认完成。")]})
    before = audit_snapshot(locked, ["follow_up_done_at", "follow_up_result"])
    locked.follow_up_done_at, locked.follow_up_result = timezone.now(), result
    save_bumped(locked, ["follow_up_done_at", "follow_up_result"])
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


def coaching_overdue_notify(*, today: date) -> int:
    """Remind each coach of follow-ups past due; once per note and due date."""
    sent = 0
    for note in CoachingNote.objects.filter(coaching_overdue_q(today)).select_related(
        "rep", "coach"
    ):
        sent += len(
            notify(
                recipients=[note.coach],
                kind=NotificationKind.REVIEW,
                title=_("辅导跟进已逾期：%(rep)s") % {"rep": note.rep},
                body=note.follow_up_action,
                url=note.get_absolute_url(),
                subject=note,
                dedupe_key=f"coaching-overdue:{note.pk}:{note.follow_up_due}",
            )
        )
    return sent
