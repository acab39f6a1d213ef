"""Writes to leads (SPEC R-LEAD-1..3): create, edit, follow-ups, disqualify. Conversion into an
opportunity lives in `conversion.py`."""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.enums import PurchaseScenario
from kam.accounts.models import Account
from kam.accounts.rules import account_visibility_q, owner_scope_ids
from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.core.versioning import lock_at_version
from kam.intents.services import intent_change_record
from kam.leads.enums import BantStatus, FollowUpKind, LeadSource, LeadStatus
from kam.leads.models import BANT_KEYS, Lead, LeadFollowUp
from kam.leads.rules import lead_can_edit
from kam.opportunities.enums import IntentClass
from kam.search.services import search_index_lead
from kam.users.models import User

TEXT_FIELDS = [
    "company_name", "contact_name", "contact_title", "phone",
    "situation", "problem", "implication", "need_payoff",
    "budget_note", "authority_note", "need_note", "timeline_note",
]  # fmt: skip
CHOICES: dict[str, list[str]] = {
    "source": LeadSource.values,
    "scenario": ["", *PurchaseScenario.values],
    "intent_class": ["", *IntentClass.values],
    **dict.fromkeys(BANT_KEYS, BantStatus.values),
}
CHOICE_FIELDS = list(CHOICES)
EDITABLE_FIELDS = [*TEXT_FIELDS, *CHOICE_FIELDS, "account", "owner"]
AUDITED_FIELDS = [*EDITABLE_FIELDS, "status", "converted_opportunity"]
OPEN_STATUSES = (LeadStatus.NEW, LeadStatus.WORKING)


def _clean(data: dict[str, Any], *, actor: User, lead: Lead | None) -> dict[str, Any]:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not settable: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    clean = dict(data)
    for key in TEXT_FIELDS:
        if key in clean:
            clean[key] = str(clean[key] or "").strip()
    if "company_name" in clean and not clean["company_name"]:
        errors["company_name"] = [_("这个字段是必填项。")]
    for key, allowed in CHOICES.items():
        if key in clean and clean[key] not in allowed:
            errors[key] = [_("请选择有效的选项。")]
    account = clean.get("account")
    if account is not None and not (
        isinstance(account, Account)
        and Account.objects.filter(account_visibility_q(actor), pk=account.pk).exists()
    ):
        errors["account"] = [_("请选择有效的客户。")]
    owner = clean.get("owner")
    if "owner" in clean and (lead is None or owner != lead.owner):
        if not isinstance(owner, User) or not owner.is_active:
            errors["owner"] = [_("请选择有效的负责人。")]
        elif not actor.sees_everything and owner.pk not in owner_scope_ids(actor):
            errors["owner"] = [_("只能把线索交给自己或下属。")]
    if errors:
        raise ValidationError(errors)
    return clean


def _require_open(lead: Lead) -> None:
    if lead.status not in OPEN_STATUSES:
        raise ValidationError(_("线索已转化或已关闭，不能再修改。"))


def lead_locked(lead: Lead, version: int) -> Lead:
    return lock_at_version(Lead.objects.all(), pk=lead.pk, version=version)


def lead_save(lead: Lead, fields: list[str]) -> None:
    """Save `fields` and bump the version, as every write to a lead does."""
    lead.version = F("version") + 1
    lead.save(update_fields=[*fields, "version", "updated_at"])
    lead.refresh_from_db(fields=["version", "updated_at"])


@transaction.atomic
def lead_create(*, actor: User, data: dict[str, Any]) -> Lead:
    """A new lead, owned by the actor unless `data` names someone in their scope."""
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied
    clean = _clean({"owner": actor, **data}, actor=actor, lead=None)
    if not clean.get("company_name"):
        raise ValidationError({"company_name": [_("这个字段是必填项。")]})
    if not clean.get("source"):
        raise ValidationError({"source": [_("这个字段是必填项。")]})
    lead = Lead.objects.create(created_by=actor, team=clean["owner"].team, **clean)
    audit_record_creation(instance=lead, fields=AUDITED_FIELDS, actor=actor)
    search_index_lead(lead)
    intent_change_record(subject=lead, from_class="", to_class=lead.intent_class, actor=actor)
    return lead


@transaction.atomic
def lead_update(*, lead: Lead, actor: User, version: int, changes: dict[str, Any]) -> Lead:
    if not lead_can_edit(actor, lead):
        raise PermissionDenied(_("只有线索负责人及其上级可以修改线索。"))
    locked = lead_locked(lead, version)
    _require_open(locked)
    clean = _clean(changes, actor=actor, lead=locked)
    before = audit_snapshot(locked, AUDITED_FIELDS)
    for key, value in clean.items():
        setattr(locked, key, value)
    fields = list(clean)
    if "owner" in clean:
        locked.team = locked.owner.team
        fields.append("team")
    if locked.status == LeadStatus.NEW:
        locked.status = LeadStatus.WORKING
        fields.append("status")
    lead_save(locked, fields)
    audit_record_changes(instance=locked, before=before, actor=actor)
    search_index_lead(locked)
    intent_change_record(
        subject=locked, from_class=before["intent_class"][0], to_class=locked.intent_class,
        actor=actor,
    )  # fmt: skip
    return locked


@transaction.atomic
def lead_follow_up_add(
    *,
    lead: Lead,
    actor: User,
    kind: str,
    content: str,
    next_step: str = "",
    at: datetime | None = None,
) -> LeadFollowUp:
    """A follow-up record (线索跟进记录); the first one puts a new lead to work."""
    if not lead_can_edit(actor, lead):
        raise PermissionDenied(_("只有线索负责人及其上级可以记录跟进。"))
    locked = Lead.objects.select_for_update().get(pk=lead.pk)
    _require_open(locked)
    errors: dict[str, list[str]] = {}
    if kind not in FollowUpKind.values:
        errors["kind"] = [_("请选择有效的选项。")]
    if not (content or "").strip():
        errors["content"] = [_("这个字段是必填项。")]
    if at is not None and at > timezone.now():
        errors["at"] = [_("跟进时间不能晚于现在。")]
    if errors:
        raise ValidationError(errors)
    follow_up = LeadFollowUp.objects.create(
        lead=locked,
        actor=actor,
        kind=kind,
        content=content.strip(),
        next_step=(next_step or "").strip(),
        at=at or timezone.now(),
    )
    fields = []
    if locked.status == LeadStatus.NEW:
        locked.status = LeadStatus.WORKING
        fields.append("status")
    # A follow-up is progress on the lead: it moves up the list, and open edit forms go stale.
    lead_save(locked, fields)
    return follow_up


@transaction.atomic
def lead_disqualify(*, lead: Lead, actor: User, version: int, reason: str) -> Lead:
    if not lead_can_edit(actor, lead):
        raise PermissionDenied(_("只有线索负责人及其上级可以关闭线索。"))
    locked = lead_locked(lead, version)
    _require_open(locked)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写关闭原因。")]})
    before = audit_snapshot(locked, AUDITED_FIELDS)
    locked.status = LeadStatus.DISQUALIFIED
    locked.disqualify_reason = reason.strip()
    lead_save(locked, ["status", "disqualify_reason"])
    audit_record_changes(instance=locked, before=before, actor=actor)
    search_index_lead(locked)
    return locked
