"""Writes for the deal's assessment, decision chain and action plan (SPEC R-OPP-5, R-CON-2).

Each service checks the actor's rights and the deal's state, locks the row at the version the
edit was made against, saves the changed fields and writes the field-level audit.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.assessments.models import QUESTIONS, ActionItem, Assessment, DealContact
from kam.assessments.rules import action_owner_allowed, assessment_can_edit, deal_work_can_edit
from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.contacts.enums import Attitude, ContactStatus, DecisionRole, Influence
from kam.contacts.models import Contact
from kam.core.versioning import lock_at_version, stale_record_error
from kam.opportunities.models import Opportunity
from kam.users.models import User

SCORE_FIELDS = [f"{q}_score" for q in QUESTIONS]
ASSESSMENT_FIELDS = [
    *(name for q in QUESTIONS for name in (f"{q}_score", f"{q}_note")),
    "competitive_strategy",
]
DEAL_CONTACT_FIELDS = [
    "role_in_deal", "influence", "attitude", "solution_acceptance", "price_acceptance",
    "relationship_strategy",
]  # fmt: skip
ACTION_FIELDS = ["title", "owner", "due_date", "done", "result"]
MAX_TEXT = 5000


def _require_open(opportunity: Opportunity) -> None:
    if opportunity.is_closed:
        raise ValidationError(_("商机已关闭，不能再修改；如需继续跟进请先重新打开。"))


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _reject_unknown(data: dict[str, Any], allowed: Sequence[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")


def _score(value: Any, *, field: str, optional: bool) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationError({field: [_("评分必须是 1 到 5 之间的整数。")]})
    return value


def _text(value: Any, *, field: str, limit: int = MAX_TEXT) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise ValidationError({field: [_("最多 %(n)s 个字。") % {"n": limit}]})
    return text


def _choice(value: Any, *, field: str, allowed: Sequence[str]) -> str:
    value = value or ""
    if value not in allowed:
        raise ValidationError({field: [_("请选择有效的选项。")]})
    return str(value)


# ---- assessment -----------------------------------------------------------------------------


def _assessment_clean(data: dict[str, Any]) -> dict[str, Any]:
    _reject_unknown(data, ASSESSMENT_FIELDS)
    clean: dict[str, Any] = {}
    for name, value in data.items():
        if name in SCORE_FIELDS:
            clean[name] = _score(value, field=name, optional=True)
        else:
            clean[name] = _text(value, field=name)
    return clean


@transaction.atomic
def assessment_save(
    *, opportunity: Opportunity, actor: User, version: int, data: dict[str, Any]
) -> Assessment:
    """Create or change the four-question assessment; `data` holds only the fields to set.
    A deal without an assessment is at version 0."""
    _require(
        assessment_can_edit(actor, opportunity),
        _("只有商机负责人、客户负责人及其上级可以修改项目评估。"),
    )
    _require_open(opportunity)
    clean = _assessment_clean(data)
    existing = Assessment.objects.filter(opportunity=opportunity).values_list("pk", flat=True)
    if not existing:
        if version != 0:
            raise stale_record_error(field="version")
        try:
            with transaction.atomic():
                assessment = Assessment.objects.create(
                    opportunity=opportunity, updated_by=actor, version=1, **clean
                )
        except IntegrityError:
            # Someone created it between our read and our insert.
            raise stale_record_error(field="version") from None
        audit_record_creation(instance=assessment, fields=ASSESSMENT_FIELDS, actor=actor)
        return assessment
    locked = lock_at_version(
        Assessment.objects.all(), pk=existing[0], version=version, field="version"
    )
    before = audit_snapshot(locked, ASSESSMENT_FIELDS)
    for name, value in clean.items():
        setattr(locked, name, value)
    locked.updated_by = actor
    locked.version = F("version") + 1
    locked.save(update_fields=[*clean, "updated_by", "version", "updated_at"])
    locked.refresh_from_db()
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


# ---- the deal's decision chain ----------------------------------------------------------------


def _chain_editable(actor: User, opportunity: Opportunity) -> None:
    _require(
        deal_work_can_edit(actor, opportunity),
        _("只有商机负责人、其上级或项目组成员可以维护项目决策链。"),
    )
    _require_open(opportunity)


def _from_contact(opportunity: Opportunity, contact: Contact) -> DealContact:
    """A deal seat starts from the person's account-level standing, then lives its own life."""
    return DealContact(
        opportunity=opportunity,
        contact=contact,
        role_in_deal=contact.decision_role,
        influence=contact.influence,
        attitude=contact.attitude,
        solution_acceptance=contact.solution_acceptance,
        price_acceptance=contact.price_acceptance,
    )


@transaction.atomic
def deal_contact_add(*, opportunity: Opportunity, contact: Contact, actor: User) -> DealContact:
    _chain_editable(actor, opportunity)
    if contact.account_id != opportunity.account_id:
        raise ValidationError({"contact": [_("只能添加本客户的关键人。")]})
    if contact.status == ContactStatus.LEFT:
        raise ValidationError({"contact": [_("该关键人已离职。")]})
    if DealContact.objects.filter(opportunity=opportunity, contact=contact).exists():
        raise ValidationError({"contact": [_("该关键人已在项目决策链中。")]})
    deal_contact = _from_contact(opportunity, contact)
    deal_contact.save()
    audit_record_creation(instance=deal_contact, fields=DEAL_CONTACT_FIELDS, actor=actor)
    return deal_contact


@transaction.atomic
def deal_contacts_add_key_people(*, opportunity: Opportunity, actor: User) -> list[DealContact]:
    """Put every person of the account who is not gone and not yet in the chain into it."""
    _chain_editable(actor, opportunity)
    people = (
        Contact.objects.filter(account_id=opportunity.account_id)
        .exclude(status=ContactStatus.LEFT)
        .exclude(deal_roles__opportunity=opportunity)
        .order_by("name", "pk")
    )
    rows = DealContact.objects.bulk_create([_from_contact(opportunity, c) for c in people])
    for row in rows:
        audit_record_creation(instance=row, fields=DEAL_CONTACT_FIELDS, actor=actor)
    return rows


def _deal_contact_clean(data: dict[str, Any]) -> dict[str, Any]:
    _reject_unknown(data, DEAL_CONTACT_FIELDS)
    choices = {
        "role_in_deal": ["", *DecisionRole.values],
        "influence": ["", *Influence.values],
        "attitude": Attitude.values,
    }
    clean: dict[str, Any] = {}
    for name, value in data.items():
        if name in choices:
            clean[name] = _choice(value, field=name, allowed=choices[name])
        elif name in ("solution_acceptance", "price_acceptance"):
            clean[name] = _score(value, field=name, optional=False)
        else:
            clean[name] = _text(value, field=name)
    return clean


@transaction.atomic
def deal_contact_update(
    *, deal_contact: DealContact, actor: User, version: int, data: dict[str, Any]
) -> DealContact:
    _chain_editable(actor, deal_contact.opportunity)
    clean = _deal_contact_clean(data)
    locked = lock_at_version(
        DealContact.objects.select_related("contact"),
        pk=deal_contact.pk,
        version=version,
        field="version",
    )
    before = audit_snapshot(locked, DEAL_CONTACT_FIELDS)
    for name, value in clean.items():
        setattr(locked, name, value)
    locked.version = F("version") + 1
    locked.save(update_fields=[*clean, "version", "updated_at"])
    locked.refresh_from_db()
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


@transaction.atomic
def deal_contact_remove(*, deal_contact: DealContact, actor: User) -> None:
    _chain_editable(actor, deal_contact.opportunity)
    deal_contact.delete()


# ---- action plan --------------------------------------------------------------------------------


def _action_clean(data: dict[str, Any], opportunity: Opportunity) -> dict[str, Any]:
    _reject_unknown(data, ACTION_FIELDS)
    clean: dict[str, Any] = {}
    if "title" in data:
        clean["title"] = _text(data["title"], field="title", limit=200)
        if not clean["title"]:
            raise ValidationError({"title": [_("请填写行动内容。")]})
    if "owner" in data:
        owner = data["owner"]
        if not isinstance(owner, User) or not action_owner_allowed(owner, opportunity):
            raise ValidationError({"owner": [_("负责人必须是能查看该商机的在职员工。")]})
        clean["owner"] = owner
    if "due_date" in data:
        if not isinstance(data["due_date"], date):
            raise ValidationError({"due_date": [_("请输入有效的日期。")]})
        clean["due_date"] = data["due_date"]
    if "done" in data:
        if not isinstance(data["done"], bool):
            raise ValidationError({"done": [_("请选择是否完成。")]})
        clean["done"] = data["done"]
    if "result" in data:
        clean["result"] = _text(data["result"], field="result")
    return clean


def _action_editable(actor: User, opportunity: Opportunity) -> None:
    _require(
        deal_work_can_edit(actor, opportunity),
        _("只有商机负责人、其上级或项目组成员可以维护行动计划。"),
    )
    _require_open(opportunity)


def _notify_owner(item: ActionItem, actor: User) -> None:
    if item.owner_id == actor.pk:
        return
    from kam.notifications.enums import NotificationKind
    from kam.notifications.services import notify

    notify(
        recipients=[item.owner],
        kind=NotificationKind.GENERAL,
        title=_("你有一项新的行动计划：%(title)s") % {"title": item.title},
        body=_("商机：%(opp)s，截止 %(due)s") % {"opp": item.opportunity, "due": item.due_date},
        url=reverse("assessments:actions", args=[item.opportunity_id]),
        subject=item,
    )


@transaction.atomic
def action_item_create(
    *, opportunity: Opportunity, actor: User, data: dict[str, Any]
) -> ActionItem:
    """A new step of the plan; title, owner and due date are required."""
    _action_editable(actor, opportunity)
    clean = _action_clean(data, opportunity)
    for name, message in (
        ("title", _("请填写行动内容。")),
        ("owner", _("请选择负责人。")),
        ("due_date", _("请填写截止日期。")),
    ):
        if name not in clean:
            raise ValidationError({name: [message]})
    if clean.get("done"):
        clean["done_at"] = timezone.now()
    item = ActionItem.objects.create(opportunity=opportunity, created_by=actor, **clean)
    audit_record_creation(instance=item, fields=ACTION_FIELDS, actor=actor)
    # The inbox row and its e-mail only make sense once the item is really there.
    transaction.on_commit(lambda: _notify_owner(item, actor))
    return item


@transaction.atomic
def action_item_update(
    *, item: ActionItem, actor: User, version: int, data: dict[str, Any]
) -> ActionItem:
    """Change any of title, owner, due date, done and result; ticking done stamps done_at."""
    _action_editable(actor, item.opportunity)
    clean = _action_clean(data, item.opportunity)
    locked = lock_at_version(
        ActionItem.objects.select_related("opportunity"),
        pk=item.pk,
        version=version,
        field="version",
    )
    if clean.get("done") and not locked.done and not clean.get("result", locked.result):
        raise ValidationError({"result": [_("完成行动时请填写结果。")]})
    before = audit_snapshot(locked, ACTION_FIELDS)
    owner_changed = "owner" in clean and clean["owner"].pk != locked.owner_id
    fields = list(clean)
    if "done" in clean and clean["done"] != locked.done:
        locked.done_at = timezone.now() if clean["done"] else None
        fields.append("done_at")
    for name, value in clean.items():
        setattr(locked, name, value)
    locked.version = F("version") + 1
    locked.save(update_fields=[*fields, "version", "updated_at"])
    locked.refresh_from_db()
    audit_record_changes(instance=locked, before=before, actor=actor)
    if owner_changed:
        transaction.on_commit(lambda: _notify_owner(locked, actor))
    return locked


def action_item_complete(*, item: ActionItem, actor: User, version: int, result: str) -> ActionItem:
    """Mark a step done with what came of it."""
    if not (result or "").strip():
        raise ValidationError({"result": [_("完成行动时请填写结果。")]})
    return action_item_update(
        item=item, actor=actor, version=version, data={"done": True, "result": result}
    )


@transaction.atomic
def action_item_delete(*, item: ActionItem, actor: User) -> None:
    _action_editable(actor, item.opportunity)
    item.delete()
