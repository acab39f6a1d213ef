"""What people write on a sheet: the rep's notes and filing, managers' comments, and the
reminder to reps who have not filed."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.audit.services import audit_record_changes, audit_snapshot
from kam.core.versioning import lock_at_version, save_bumped
from kam.notifications.enums import NotificationKind
from kam.notifications.services import notify
from kam.reviews.models import ReviewComment, ReviewItem, ReviewSheet
from kam.reviews.rules import (
    review_can_comment,
    review_can_note,
)
from kam.reviews.services.generation import MAX_TEXT, active_reps
from kam.search.services import search_index_review_comment, search_index_review_item
from kam.users.models import User


def text_clean(value: str, field: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: [_("请填写内容。")]})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: [_("内容过长（最多 %(n)d 字）。") % {"n": MAX_TEXT}]})
    return value


def _require_open_sheet(sheet: ReviewSheet) -> None:
    if sheet.filed_at is not None:
        raise ValidationError(_("理单表已提交，不能再修改。"))


@transaction.atomic
def review_item_note(
    *, item: ReviewItem, actor: User, rep_note: str, next_step: str, version: int
) -> ReviewItem:
    sheet = item.sheet
    if not review_can_note(actor, sheet.rep):
        raise PermissionDenied(_("只有客户经理本人可以填写理单备注。"))
    rep_note = text_clean(rep_note, "rep_note")
    next_step = text_clean(next_step, "next_step")
    locked = lock_at_version(ReviewItem.objects.all(), pk=item.pk, version=version, field="version")
    _require_open_sheet(ReviewSheet.objects.get(pk=locked.sheet_id))
    before = audit_snapshot(locked, ["rep_note", "next_step"])
    locked.rep_note, locked.next_step = rep_note, next_step
    save_bumped(locked, ["rep_note", "next_step"])
    audit_record_changes(instance=locked, before=before, actor=actor)
    search_index_review_item(locked)
    return locked


@transaction.atomic
def review_sheet_file(
    *, sheet: ReviewSheet, actor: User, summary: str, version: int
) -> ReviewSheet:
    """The rep hands the sheet in (提交); from then on it is read-only."""
    if not review_can_note(actor, sheet.rep):
        raise PermissionDenied(_("只有客户经理本人可以提交理单表。"))
    summary = text_clean(summary, "rep_summary")
    locked = lock_at_version(
        ReviewSheet.objects.all(), pk=sheet.pk, version=version, field="version"
    )
    _require_open_sheet(locked)
    before = audit_snapshot(locked, ["rep_summary", "filed_at"])
    locked.rep_summary, locked.filed_at = summary, timezone.now()
    save_bumped(locked, ["rep_summary", "filed_at"])
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


@transaction.atomic
def review_comment_add(
    *, sheet: ReviewSheet, actor: User, body: str, item: ReviewItem | None = None
) -> ReviewComment:
    """A manager's comment on the sheet or one item; the rep is told."""
    rep = sheet.rep
    if not review_can_comment(actor, rep):
        raise PermissionDenied(_("只有客户经理的上级可以点评理单表。"))
    if item is not None and item.sheet_id != sheet.pk:
        raise ValidationError({"item": [_("该条目不属于这张理单表。")]})
    body = text_clean(body, "body", required=True)
    comment = ReviewComment.objects.create(sheet=sheet, item=item, author=actor, body=body)
    search_index_review_comment(comment)
    about = item.snapshot.get("name", "") if item is not None else ""
    notify(
        recipients=[rep],
        kind=NotificationKind.REVIEW,
        title=_("%(author)s 点评了你 %(day)s 的理单表")
        % {"author": actor, "day": sheet.day.isoformat()},
        body=f"{about}：{body}" if about else body,
        url=sheet.get_absolute_url(),
        subject=sheet,
    )
    return comment


def review_missing_remind(*, day: date) -> int:
    """Tell every active rep who has not filed `day`'s sheet; at most once per rep and day."""
    filed = ReviewSheet.objects.filter(day=day, filed_at__isnull=False).values("rep_id")
    sent = 0
    for rep in active_reps().exclude(pk__in=filed):
        sent += len(
            notify(
                recipients=[rep],
                kind=NotificationKind.REVIEW,
                title=_("今天的理单表还没有提交"),
                body=_("请在晚间理单会前填写并提交 %(day)s 的理单表。") % {"day": day.isoformat()},
                url=reverse("reviews:mine"),
                dedupe_key=f"review-remind:{rep.pk}:{day.isoformat()}",
            )
        )
    return sent
