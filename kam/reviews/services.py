"""Writes for review sheets (R-REV-1) and coaching notes (R-REV-2).

Sheets are rebuilt, never edited by the system in place of the rep: a rebuild refreshes the
snapshot of each item and adds or drops items, but an item the rep (or a manager) has written on
is kept, and a filed sheet is left exactly as the rep filed it.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.rules import account_can_view
from kam.assessments.models import ActionItem
from kam.audit.models import FieldChange
from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.core.versioning import lock_at_version, save_bumped
from kam.intents.models import IntentChange
from kam.interactions.models import Interaction
from kam.leads.models import Lead, LeadFollowUp
from kam.leads.services.leads import OPEN_STATUSES
from kam.notifications.enums import NotificationKind
from kam.notifications.services import notify
from kam.opportunities.models import Opportunity, StageMove
from kam.reviews.enums import CoachingKind
from kam.reviews.models import CoachingNote, ReviewComment, ReviewItem, ReviewSheet
from kam.reviews.rules import (
    coaching_can_write,
    review_can_comment,
    review_can_note,
)
from kam.reviews.selectors import coaching_overdue_q
from kam.search.services import search_index_review_comment, search_index_review_item
from kam.users.enums import Role
from kam.users.models import User
from kam.workcalendar.services import DEFAULT_TZ

MAX_TEXT = 4000
INTENT_ORDER = {"A": 0, "B": 1, "C": 2}
# Field edits worth reading out at the meeting; stage moves come from StageMove instead.
# Class changes come from kam.intents' IntentChange rows.
OPPORTUNITY_TRACKED = ("amount", "expected_sign_date", "probability")
LEAD_TRACKED = ("status",)
COACHING_FIELDS = [
    "kind", "account", "happened_on", "observations", "strengths", "improvements",
    "follow_up_action", "follow_up_due",
]  # fmt: skip


# ---- generation -------------------------------------------------------------------------------


def _local_window(rep: User, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=ZoneInfo(rep.time_zone or DEFAULT_TZ))
    return start, start + timedelta(days=1)


def _in(window: tuple[datetime, datetime], field: str) -> Q:
    return Q(**{f"{field}__gte": window[0], f"{field}__lt": window[1]})


def _field_changes(
    model: type[models.Model], ids: list[int], fields: tuple[str, ...], window: Any
) -> dict[int, list[str]]:
    content_type = ContentType.objects.get_for_model(model)
    rows = FieldChange.objects.filter(
        _in(window, "changed_at"), content_type=content_type, object_id__in=ids, field__in=fields
    ).order_by("changed_at", "pk")
    found: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        found[row.object_id].append(
            _("%(field)s：%(old)s → %(new)s")
            % {"field": row.field_label, "old": row.old_value or "—", "new": row.new_value or "—"}
        )
    return found


def _intent_changes(window: Any, opp_ids: list[int], lead_ids: list[int]) -> dict[str, list[str]]:
    rows = IntentChange.objects.filter(
        _in(window, "changed_at"), Q(opportunity_id__in=opp_ids) | Q(lead_id__in=lead_ids)
    ).order_by("changed_at", "pk")
    found: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        key = f"o{row.opportunity_id}" if row.opportunity_id else f"l{row.lead_id}"
        found[key].append(
            _("意向分类：%(old)s → %(new)s")
            % {"old": row.from_class or "—", "new": row.to_class or "—"}
        )
    return found


@dataclass
class _Entry:
    opportunity: Opportunity | None
    lead: Lead | None
    snapshot: dict[str, Any]

    @property
    def key(self) -> str:
        if self.opportunity is not None:
            return f"o{self.opportunity.pk}"
        assert self.lead is not None  # noqa: S101 - every entry is one or the other
        return f"l{self.lead.pk}"

    @property
    def sort_key(self) -> tuple[int, int, Decimal]:
        """A before B before C before unclassified; deals before leads; big deals first."""
        kind = 0 if self.opportunity is not None else 1
        amount = Decimal(self.snapshot["amount"] or "0")
        return (INTENT_ORDER.get(self.snapshot["intent_class"], 3), kind, -amount)


def _opportunity_entries(rep: User, window: Any) -> list[_Entry]:
    opportunities = list(
        Opportunity.objects.filter(owner=rep)
        .filter(Q(closed_at__isnull=True) | _in(window, "closed_at"))
        .select_related("account", "stage")
    )
    ids = [o.pk for o in opportunities]
    moves: dict[int, list[str]] = defaultdict(list)
    for move in (
        StageMove.objects.filter(_in(window, "moved_at"), opportunity_id__in=ids)
        .select_related("from_stage", "to_stage")
        .order_by("moved_at", "pk")
    ):
        if move.from_stage is None:
            moves[move.opportunity_id].append(_("新建商机"))
        else:
            moves[move.opportunity_id].append(
                _("阶段：%(old)s → %(new)s")
                % {"old": move.from_stage.display_name, "new": move.to_stage.display_name}
            )
    edits = _field_changes(Opportunity, ids, OPPORTUNITY_TRACKED, window)
    visits: dict[int, list[str]] = defaultdict(list)
    for account_id, subject in (
        Interaction.objects.filter(
            _in(window, "occurred_at"), account_id__in={o.account_id for o in opportunities}
        )
        .order_by("occurred_at", "pk")
        .values_list("account_id", "subject")
    ):
        visits[account_id].append(_("拜访记录：%(subject)s") % {"subject": subject})
    next_steps: dict[int, str] = {}
    for item in ActionItem.objects.filter(opportunity_id__in=ids, done=False).order_by(
        "due_date", "pk"
    ):
        next_steps.setdefault(item.opportunity_id, f"{item.title}（{item.due_date:%m-%d}）")
    entries = []
    for opportunity in opportunities:
        created_today = window[0] <= opportunity.created_at < window[1]
        changes = [
            *moves[opportunity.pk],
            *([] if created_today else edits[opportunity.pk]),
            *visits[opportunity.account_id],
        ]
        entries.append(
            _Entry(
                opportunity=opportunity,
                lead=None,
                snapshot={
                    "kind": "opportunity",
                    "name": opportunity.name,
                    "number": opportunity.number or "",
                    "account": opportunity.account.name,
                    "stage": opportunity.stage.display_name,
                    "closed": opportunity.closed_at is not None,
                    "amount": str(opportunity.amount),
                    "intent_class": opportunity.intent_class,
                    "expected_sign_date": (
                        opportunity.expected_sign_date.isoformat()
                        if opportunity.expected_sign_date
                        else ""
                    ),
                    "changes": changes,
                    "next_step": next_steps.get(opportunity.pk, ""),
                },
            )
        )
    return entries


def _lead_entries(rep: User, window: Any) -> list[_Entry]:
    leads = list(Lead.objects.filter(owner=rep, status__in=OPEN_STATUSES).select_related("account"))
    ids = [lead.pk for lead in leads]
    follow_ups: dict[int, list[str]] = defaultdict(list)
    next_steps: dict[int, str] = {}
    for follow_up in LeadFollowUp.objects.filter(lead_id__in=ids).order_by("-at", "-pk"):
        if window[0] <= follow_up.at < window[1]:
            follow_ups[follow_up.lead_id].insert(
                0, _("跟进：%(content)s") % {"content": follow_up.content[:60]}
            )
        if follow_up.next_step:
            next_steps.setdefault(follow_up.lead_id, follow_up.next_step)
    edits = _field_changes(Lead, ids, LEAD_TRACKED, window)
    entries = []
    for lead in leads:
        created_today = window[0] <= lead.created_at < window[1]
        changes = [
            *([_("新线索")] if created_today else edits[lead.pk]),
            *follow_ups[lead.pk],
        ]
        entries.append(
            _Entry(
                opportunity=None,
                lead=lead,
                snapshot={
                    "kind": "lead",
                    "name": lead.company_name,
                    "number": "",
                    "account": lead.account.name if lead.account else lead.company_name,
                    "stage": lead.get_status_display(),
                    "closed": False,
                    "amount": "",
                    "intent_class": lead.intent_class,
                    "expected_sign_date": "",
                    "changes": changes,
                    "next_step": next_steps.get(lead.pk, ""),
                },
            )
        )
    return entries


def _entries(rep: User, day: date) -> list[_Entry]:
    window = _local_window(rep, day)
    entries = [*_opportunity_entries(rep, window), *_lead_entries(rep, window)]
    intents = _intent_changes(
        window,
        [e.opportunity.pk for e in entries if e.opportunity],
        [e.lead.pk for e in entries if e.lead],
    )
    for entry in entries:
        entry.snapshot["changes"].extend(intents.get(entry.key, []))
    entries.sort(key=lambda entry: entry.sort_key)
    return entries


def _item_key(item: ReviewItem) -> str:
    return f"o{item.opportunity_id}" if item.opportunity_id else f"l{item.lead_id}"


@transaction.atomic
def review_sheet_generate(*, rep: User, day: date) -> ReviewSheet:
    """The rep's sheet of `day`, created or rebuilt from the rep's open deals and leads.

    Idempotent. Items someone has written on survive even when their deal has closed or moved
    away; a filed sheet is returned untouched.
    """
    sheet, created = ReviewSheet.objects.get_or_create(
        rep=rep, day=day, defaults={"team_id": rep.team_id, "generated_at": timezone.now()}
    )
    sheet = ReviewSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.filed_at is not None:
        return sheet
    existing = {_item_key(item): item for item in sheet.items.all()}
    commented = set(
        ReviewComment.objects.filter(sheet=sheet, item__isnull=False).values_list(
            "item_id", flat=True
        )
    )
    fresh, changed = [], []
    position = 0
    for position, entry in enumerate(_entries(rep, day)):
        item = existing.pop(entry.key, None)
        if item is None:
            fresh.append(
                ReviewItem(
                    sheet=sheet,
                    opportunity=entry.opportunity,
                    lead=entry.lead,
                    position=position,
                    snapshot=entry.snapshot,
                )
            )
        else:
            item.snapshot, item.position = entry.snapshot, position
            changed.append(item)
    stale = []
    for item in existing.values():
        if item.rep_note or item.next_step or item.pk in commented:
            position += 1
            item.position = position
            changed.append(item)
        else:
            stale.append(item.pk)
    ReviewItem.objects.filter(pk__in=stale).delete()
    ReviewItem.objects.bulk_update(changed, ["snapshot", "position"])
    ReviewItem.objects.bulk_create(fresh)
    if not created:
        sheet.generated_at = timezone.now()
        sheet.team_id = rep.team_id
        sheet.save(update_fields=["generated_at", "team"])
    return sheet


def active_reps() -> models.QuerySet[User]:
    return User.objects.filter(role=Role.ACCOUNT_MANAGER, is_active=True).order_by("pk")


def review_sheets_generate_all(*, day: date) -> int:
    """Every active rep's sheet of `day`, one transaction per rep (no long lock over all)."""
    count = 0
    for rep in active_reps():
        review_sheet_generate(rep=rep, day=day)
        count += 1
    return count


# ---- the rep's writing ------------------------------------------------------------------------


def _text(value: str, field: str, *, required: bool = False) -> str:
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
    rep_note = _text(rep_note, "rep_note")
    next_step = _text(next_step, "next_step")
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
    summary = _text(summary, "rep_summary")
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
    body = _text(body, "body", required=True)
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


# ---- coaching ---------------------------------------------------------------------------------


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
            clean[field] = _text(clean.get(field, ""), field, required=field == "observations")
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
    result = _text(result, "follow_up_result", required=True)
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
