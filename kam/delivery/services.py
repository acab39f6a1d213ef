"""Writes for the delivery decision chain (SPEC R-COL-6): add, edit, remove a member, record
their sign-off. Each checks the actor against `contract_can_edit`, validates, locks the row at
the version the edit was made against, saves the changed fields and writes the field history."""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.audit.models import FieldChange
from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.contacts.enums import ContactStatus
from kam.contacts.models import Contact
from kam.contracts.enums import ContractStatus
from kam.contracts.models import Contract, PaymentMilestone
from kam.contracts.rules import contract_can_edit
from kam.core.versioning import lock_at_version, save_bumped
from kam.delivery.enums import DeliveryRole, SignOffStatus, Stance
from kam.delivery.models import DeliveryChainMember
from kam.users.models import User

MEMBER_FIELDS = ["delivery_role", "stance", "signs_all_milestones", "support_plan"]
EDITABLE = [*MEMBER_FIELDS, "milestones"]
SIGNOFF_FIELDS = ["signoff_status", "signoff_on", "signoff_note"]
MAX_PLAN = 5000
MAX_NOTE = 200


def _require_editable(actor: User, contract: Contract) -> None:
    if not contract_can_edit(actor, contract):
        raise PermissionDenied(_("只有合同负责人及其上级可以维护交付决策链。"))
    if contract.status == ContractStatus.TERMINATED:
        raise ValidationError(_("合同已终止，交付决策链不能再修改。"))


def _choice(value: Any, *, field: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise ValidationError({field: [_("请选择有效的选项。")]})
    return str(value)


def _text(value: Any, *, field: str, limit: int) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise ValidationError({field: [_("最多 %(n)s 个字。") % {"n": limit}]})
    return text


def _milestones(contract: Contract, value: Any) -> list[PaymentMilestone]:
    """The chosen milestones, each of this contract (ids or rows)."""
    ids = {getattr(item, "pk", item) for item in (value or [])}
    if any(isinstance(pk, bool) or not isinstance(pk, int) for pk in ids):
        raise ValidationError({"milestones": [_("请选择本合同的回款节点。")]})
    found = list(PaymentMilestone.objects.filter(contract=contract, pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({"milestones": [_("请选择本合同的回款节点。")]})
    return sorted(found, key=lambda m: m.position)


def _clean(contract: Contract, data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        try:
            if name == "delivery_role":
                clean[name] = _choice(value, field=name, allowed=DeliveryRole.values)
            elif name == "stance":
                clean[name] = _choice(value, field=name, allowed=Stance.values)
            elif name == "signs_all_milestones":
                if not isinstance(value, bool):
                    raise ValidationError({name: [_("请选择是或否。")]})
                clean[name] = value
            elif name == "support_plan":
                clean[name] = _text(value, field=name, limit=MAX_PLAN)
            else:
                clean[name] = _milestones(contract, value)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return clean


def duty_display(signs_all: bool, milestones: Iterable[PaymentMilestone]) -> str:
    """The sign-off duty in words, as the history and the table show it."""
    if signs_all:
        return _("全部回款节点")
    return "、".join(str(m) for m in milestones)


def _record_duty_change(member: DeliveryChainMember, old: str, actor: User) -> None:
    """The M2M half of the duty is not a concrete field, so its history row is written here."""
    new = duty_display(member.signs_all_milestones, member.milestones.order_by("position"))
    if new == old:
        return
    FieldChange.objects.create(
        content_type=ContentType.objects.get_for_model(DeliveryChainMember),
        object_id=member.pk,
        field="milestones",
        field_label=str(DeliveryChainMember._meta.get_field("milestones").verbose_name),
        old_value=old,
        new_value=new,
        actor=actor,
    )


@transaction.atomic
def delivery_member_add(
    *, contract: Contract, contact: Contact, actor: User, data: dict[str, Any]
) -> DeliveryChainMember:
    """Put one of the account's people into the contract's delivery chain. `data` needs
    `delivery_role`; the rest (stance, duty, support plan) may follow later."""
    _require_editable(actor, contract)
    errors: dict[str, list[str]] = {}
    if contact.account_id != contract.account_id:
        errors["contact"] = [_("只能添加本合同客户的关键人。")]
    elif contact.status == ContactStatus.LEFT:
        errors["contact"] = [_("该关键人已离职。")]
    elif DeliveryChainMember.objects.filter(contract=contract, contact=contact).exists():
        errors["contact"] = [_("该关键人已在交付决策链中。")]
    if "delivery_role" not in data:
        errors["delivery_role"] = [_("请选择交付角色。")]
    try:
        clean = _clean(contract, data)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    milestones = clean.pop("milestones", [])
    member = DeliveryChainMember(contract=contract, contact=contact, updated_by=actor, **clean)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        # Someone added the same person between our check and our insert.
        raise ValidationError({"contact": [_("该关键人已在交付决策链中。")]}) from None
    member.milestones.set(milestones)
    audit_record_creation(instance=member, fields=MEMBER_FIELDS, actor=actor)
    _record_duty_change(member, "", actor)
    return member


def _locked(member: DeliveryChainMember, version: int) -> DeliveryChainMember:
    return lock_at_version(
        DeliveryChainMember.objects.all(), pk=member.pk, version=version, field="version"
    )


@transaction.atomic
def delivery_member_update(
    *, member: DeliveryChainMember, actor: User, version: int, data: dict[str, Any]
) -> DeliveryChainMember:
    """Change role, stance, duty or support plan; `data` holds only the fields to set."""
    _require_editable(actor, member.contract)
    clean = _clean(member.contract, data)
    locked = _locked(member, version)
    old_duty = duty_display(locked.signs_all_milestones, locked.milestones.order_by("position"))
    milestones = clean.pop("milestones", None)
    before = audit_snapshot(locked, list(clean))
    for name, value in clean.items():
        setattr(locked, name, value)
    locked.updated_by = actor
    save_bumped(locked, [*clean, "updated_by"])
    if milestones is not None:
        locked.milestones.set(milestones)
    audit_record_changes(instance=locked, before=before, actor=actor)
    _record_duty_change(locked, old_duty, actor)
    return locked


@transaction.atomic
def delivery_member_record_signoff(
    *,
    member: DeliveryChainMember,
    actor: User,
    version: int,
    status: str,
    on: date | None,
    note: str = "",
) -> DeliveryChainMember:
    """Signed or refused on a day (not in the future), or back to pending (no day)."""
    _require_editable(actor, member.contract)
    clean_status = _choice(status, field="signoff_status", allowed=SignOffStatus.values)
    clean_note = _text(note, field="signoff_note", limit=MAX_NOTE)
    if clean_status == SignOffStatus.PENDING:
        on = None
    elif not isinstance(on, date):
        raise ValidationError({"signoff_on": [_("请填写签核日期。")]})
    elif on > timezone.localdate():
        raise ValidationError({"signoff_on": [_("日期不能晚于今天。")]})
    locked = _locked(member, version)
    before = audit_snapshot(locked, SIGNOFF_FIELDS)
    locked.signoff_status = clean_status
    locked.signoff_on = on
    locked.signoff_note = clean_note
    locked.updated_by = actor
    save_bumped(locked, [*SIGNOFF_FIELDS, "updated_by"])
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


@transaction.atomic
def delivery_member_remove(*, member: DeliveryChainMember, actor: User) -> None:
    """The member's own history goes with the row, so the removal is kept on the contract."""
    _require_editable(actor, member.contract)
    gone = f"{member.contact}（{member.get_delivery_role_display()}）"
    member.delete()
    FieldChange.objects.create(
        content_type=ContentType.objects.get_for_model(Contract),
        object_id=member.contract_id,
        field="delivery_chain",
        field_label=_("交付决策链"),
        old_value=gone,
        new_value="",
        actor=actor,
    )
