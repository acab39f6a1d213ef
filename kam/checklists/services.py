"""Writes of the collection checklist (SPEC R-COL-5): tick and untick an item with a note, file
and remove evidence, and set the alert thresholds (R-COL-7). Each write leaves a history row."""

import mimetypes
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.checklists.enums import ChecklistAction, ChecklistCategory
from kam.checklists.models import (
    MAX_LEAD_DAYS,
    ChecklistEvent,
    ChecklistEvidence,
    ChecklistItem,
    ChecklistTemplate,
    CollectionAlertSettings,
)
from kam.checklists.rules import checklist_can_edit, checklist_settings_manageable_by
from kam.checklists.selectors import collection_alert_settings
from kam.contracts.enums import MilestoneKind
from kam.contracts.models import Contract
from kam.core.jobs import enqueue_after_commit
from kam.interactions.services import attachment_check
from kam.users.models import User

NOTE_MAX = 200
SETTING_FIELDS = ["warn_days", "escalate_manager_days", "escalate_director_days"]
TEMPLATE_FIELDS = [
    "category", "label", "milestone_kinds", "needs_evidence", "lead_days", "position", "active",
]  # fmt: skip
LABEL_MAX = 100
# The template fields that decide which milestones carry its item; changing one starts the job.
REACH_FIELDS = ("milestone_kinds", "active")
OWED_SYNC_JOB = "kam.checklists.tasks.checklists_owed_sync_job"


def _require_editor(actor: User, contract: Contract) -> None:
    if not checklist_can_edit(actor, contract):
        raise PermissionDenied(_("只有合同负责人及其上级可以维护回款清单。"))


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [_("备注不能超过 %(max)s 个字。") % {"max": NOTE_MAX}]})
    return note


def _locked(item: ChecklistItem) -> ChecklistItem:
    return ChecklistItem.objects.select_for_update().get(pk=item.pk)


@transaction.atomic
def checklist_item_tick(*, item: ChecklistItem, actor: User, note: str = "") -> ChecklistItem:
    """Mark the item done. Ticking a done item changes nothing (a double click, a retry)."""
    _require_editor(actor, item.milestone.contract)
    note = _clean_note(note)
    locked = _locked(item)
    if locked.done_at is not None:
        return locked
    locked.done_at, locked.done_by, locked.note = timezone.now(), actor, note
    locked.save(update_fields=["done_at", "done_by", "note"])
    ChecklistEvent.objects.create(item=locked, action=ChecklistAction.TICK, actor=actor, note=note)
    return locked


@transaction.atomic
def checklist_item_untick(*, item: ChecklistItem, actor: User, note: str = "") -> ChecklistItem:
    """Mark the item not done again; the tick stays in the history."""
    _require_editor(actor, item.milestone.contract)
    note = _clean_note(note)
    locked = _locked(item)
    if locked.done_at is None:
        return locked
    locked.done_at, locked.done_by, locked.note = None, None, note
    locked.save(update_fields=["done_at", "done_by", "note"])
    ChecklistEvent.objects.create(
        item=locked, action=ChecklistAction.UNTICK, actor=actor, note=note
    )
    return locked


@transaction.atomic
def checklist_evidence_add(
    *, item: ChecklistItem, actor: User, upload: UploadedFile
) -> ChecklistEvidence:
    """Store a file under a random name, with the contract attachments' type and size checks."""
    _require_editor(actor, item.milestone.contract)
    try:
        extension = attachment_check(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.message_dict["attachments"]}) from None
    evidence = ChecklistEvidence(
        item=item,
        original_name=(upload.name or "")[-255:],
        size=upload.size or 0,
        content_type=mimetypes.guess_type(f"x.{extension}")[0] or "application/octet-stream",
        uploaded_by=actor,
    )
    evidence.file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
    stored, storage = evidence.file.name or "", evidence.file.storage
    try:
        evidence.save()
        ChecklistEvent.objects.create(
            item=item, action=ChecklistAction.EVIDENCE_ADD, actor=actor,
            note=evidence.original_name,
        )  # fmt: skip
    except Exception:
        storage.delete(stored)
        raise
    return evidence


@transaction.atomic
def checklist_evidence_delete(*, evidence: ChecklistEvidence, actor: User) -> None:
    _require_editor(actor, evidence.item.milestone.contract)
    name, storage = evidence.file.name or "", evidence.file.storage
    ChecklistEvent.objects.create(
        item_id=evidence.item_id, action=ChecklistAction.EVIDENCE_DELETE, actor=actor,
        note=evidence.original_name,
    )  # fmt: skip
    evidence.delete()
    # The file goes only once the row is really gone.
    transaction.on_commit(lambda: storage.delete(name))


def _setting_errors(values: dict[str, Any]) -> tuple[dict[str, int], dict[str, list[str]]]:
    clean: dict[str, int] = {}
    errors: dict[str, list[str]] = {}
    for name in SETTING_FIELDS:
        value = values.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            errors[name] = [_("请输入整数。")]
        elif not 0 < value <= MAX_LEAD_DAYS:
            errors[name] = [_("必须在 1 到 %(max)s 之间。") % {"max": MAX_LEAD_DAYS}]
        else:
            clean[name] = value
    manager, director = clean.get("escalate_manager_days"), clean.get("escalate_director_days")
    if manager is not None and director is not None and director <= manager:
        errors.setdefault("escalate_director_days", []).append(
            _("升级至总监的天数必须大于升级至经理的天数。")
        )
    return clean, errors


@transaction.atomic
def collection_alert_settings_update(
    *, actor: User, values: dict[str, Any]
) -> CollectionAlertSettings:
    """Set the three thresholds at once (directors, GM and admin); the change is audited."""
    if not checklist_settings_manageable_by(actor):
        raise PermissionDenied(_("只有销售总监、总经理和管理员可以修改回款提醒设置。"))
    unknown = set(values) - set(SETTING_FIELDS)
    if unknown:
        raise ValueError(f"not settable: {sorted(unknown)}")
    clean, errors = _setting_errors(values)
    if errors:
        raise ValidationError(errors)
    collection_alert_settings()
    locked = CollectionAlertSettings.objects.select_for_update().get(pk=1)
    before = audit_snapshot(locked, SETTING_FIELDS)
    for name, value in clean.items():
        setattr(locked, name, value)
    locked.updated_by = actor
    locked.save()
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


def _template_clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(TEMPLATE_FIELDS)
    if unknown:
        raise ValueError(f"not settable: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    clean = dict(data)
    if clean.get("category") not in ChecklistCategory.values:
        errors["category"] = [_("请选择情、理或法。")]
    clean["label"] = str(clean.get("label") or "").strip()
    if not clean["label"]:
        errors["label"] = [_("这个字段是必填项。")]
    elif len(clean["label"]) > LABEL_MAX:
        errors["label"] = [_("事项不能超过 %(max)s 个字。") % {"max": LABEL_MAX}]
    kinds = clean.get("milestone_kinds") or []
    if not isinstance(kinds, list) or any(k not in MilestoneKind.values for k in kinds):
        errors["milestone_kinds"] = [_("请选择有效的款项。")]
    else:
        clean["milestone_kinds"] = sorted(set(kinds))
    for name, upper in (("lead_days", MAX_LEAD_DAYS), ("position", 32767)):
        value = clean.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= upper:
            errors[name] = [_("必须在 0 到 %(max)s 之间。") % {"max": upper}]
    clean["needs_evidence"] = bool(clean.get("needs_evidence"))
    clean["active"] = bool(clean.get("active", True))
    if errors:
        raise ValidationError(errors)
    return clean


def _require_settings_editor(actor: User) -> None:
    if not checklist_settings_manageable_by(actor):
        raise PermissionDenied(_("只有销售总监、总经理和管理员可以修改回款清单模板。"))


@transaction.atomic
def checklist_template_create(*, actor: User, data: dict[str, Any]) -> ChecklistTemplate:
    """A new template; the milestones still owed get its item in a job just after."""
    _require_settings_editor(actor)
    template = ChecklistTemplate.objects.create(**_template_clean(data))
    audit_record_creation(instance=template, fields=TEMPLATE_FIELDS, actor=actor)
    if template.active:
        enqueue_after_commit(OWED_SYNC_JOB)
    return template


@transaction.atomic
def checklist_template_update(
    *, template: ChecklistTemplate, actor: User, data: dict[str, Any]
) -> ChecklistTemplate:
    """Change a template. Items already on milestones keep the wording they were given;
    switching a template off (or narrowing its kinds) removes its untouched items from the
    milestones still owed, in a job just after, as switching it on adds them."""
    _require_settings_editor(actor)
    clean = _template_clean(data)
    locked = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    before = audit_snapshot(locked, list(clean))
    for name, value in clean.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(clean))
    audit_record_changes(instance=locked, before=before, actor=actor)
    if any(before[name][0] != getattr(locked, name) for name in REACH_FIELDS if name in before):
        enqueue_after_commit(OWED_SYNC_JOB)
    return locked
