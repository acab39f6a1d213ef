"""Building review sheets (R-REV-1) from the rep's open deals and leads.

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
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.assessments.models import ActionItem
from kam.audit.models import FieldChange
from kam.intents.models import IntentChange
from kam.interactions.models import Interaction
from kam.leads.models import Lead, LeadFollowUp
from kam.leads.services.leads import OPEN_STATUSES
from kam.opportunities.models import Opportunity, StageMove
from kam.reviews.models import ReviewComment, ReviewItem, ReviewSheet
from kam.users.enums import Role
from kam.users.models import User
from kam.workcalendar.services import DEFAULT_TZ

MAX_TEXT = 4000
INTENT_ORDER = {"A": 0, "B": 1, "C": 2}
# Field edits worth reading out at the meeting; stage moves come from StageMove instead.
# Class changes come from kam.intents' IntentChange rows.
OPPORTUNITY_TRACKED = ("amount", "expected_sign_date", "probability")
LEAD_TRACKED = ("status",)


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
