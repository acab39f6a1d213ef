"""Writes for key people, their scores, guides and executive engagement (R-CON-1..5).

Every function checks the actor may edit the person's account, validates the business rules
(raising field-keyed ValidationErrors), writes history (ScoreChange, FieldChange) and keeps the
search index in step — all in one transaction.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.accounts.rules import account_can_edit
from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.contacts.enums import (
    Attitude,
    ContactStatus,
    DecisionRole,
    GuideCostKind,
    GuideLevel,
    Influence,
)
from kam.contacts.models import Contact, EngagementPlan, EngagementTouch, GuideCost, ScoreChange
from kam.core.versioning import lock_at_version
from kam.notifications.services import personnel_change_notify
from kam.search.services import search_index_contact
from kam.users.models import User

# The fields a person's profile form edits (R-CON-1..3); status has its own action.
CONTACT_FIELDS = [
    "name", "title", "department", "phone", "email", "wechat", "reports_to", "background",
    "character", "decision_style", "preferences", "decision_role", "influence", "attitude",
    "closeness", "solution_acceptance", "price_acceptance", "guide_level",
]  # fmt: skip
SCORE_FIELDS = ["closeness", "solution_acceptance", "price_acceptance"]
PERSONNEL_CHANGE_STATUSES = {ContactStatus.LEFT, ContactStatus.CHANGED_POST}
PLAN_FIELDS = ["our_executive", "purpose", "cadence_days", "next_due", "active"]
GUIDE_COST_FIELDS = ["kind", "spent_on", "amount", "hours", "note"]


def _require_edit(actor: User, account: Account) -> None:
    if not account_can_edit(actor, account):
        raise PermissionDenied(_("你没有权限修改该客户的关键人。"))


def _validate_choices(data: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    choice_sets: dict[str, set[Any]] = {
        "decision_role": {"", *DecisionRole.values},
        "influence": {"", *Influence.values},
        "attitude": set(Attitude.values),
        "guide_level": set(GuideLevel.values),
    }
    for field, allowed in choice_sets.items():
        if field in data and data[field] not in allowed:
            errors[field] = [_("请选择有效的选项。")]
    for field in SCORE_FIELDS:
        if field in data:
            value = data[field]
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
                errors[field] = [_("评分必须是 1 到 5 之间的整数。")]
    if "name" in data and not str(data["name"] or "").strip():
        errors["name"] = [_("请填写姓名。")]
    if errors:
        raise ValidationError(errors)


def _validate_reports_to(
    *, contact_pk: int | None, account: Account, reports_to: Contact | None
) -> None:
    """The boss must be a person of the same account, and the chain must not loop."""
    if reports_to is None:
        return
    if reports_to.account_id != account.pk:
        raise ValidationError({"reports_to": [_("汇报对象必须是同一客户的关键人。")]})
    if contact_pk is None:
        return
    if reports_to.pk == contact_pk:
        raise ValidationError({"reports_to": [_("不能汇报给自己。")]})
    parents = dict(Contact.objects.filter(account=account).values_list("pk", "reports_to_id"))
    node: int | None = reports_to.pk
    seen: set[int] = set()
    while node is not None and node not in seen:
        if node == contact_pk:
            raise ValidationError({"reports_to": [_("汇报关系不能形成循环。")]})
        seen.add(node)
        node = parents.get(node)


def _snapshot_scores(*, contact: Contact, note: str, actor: User | None) -> ScoreChange:
    return ScoreChange.objects.create(
        contact=contact,
        closeness=contact.closeness,
        solution_acceptance=contact.solution_acceptance,
        price_acceptance=contact.price_acceptance,
        note=note[:200],
        actor=actor,
    )


def _clean_data(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown contact fields: {sorted(unknown)}")
    cleaned = dict(data)
    for field in ("name", "title", "department", "phone", "email", "wechat"):
        if field in cleaned and isinstance(cleaned[field], str):
            cleaned[field] = cleaned[field].strip()
    return cleaned


@transaction.atomic
def contact_create(*, account: Account, actor: User, data: dict[str, Any]) -> Contact:
    _require_edit(actor, account)
    cleaned = _clean_data(data)
    _validate_choices(cleaned)
    _validate_reports_to(contact_pk=None, account=account, reports_to=cleaned.get("reports_to"))
    contact = Contact(account=account, **cleaned)
    contact.save()
    audit_record_creation(instance=contact, fields=CONTACT_FIELDS, actor=actor)
    _snapshot_scores(contact=contact, note=_("初始评分"), actor=actor)
    search_index_contact(contact)
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, actor: User, version: int, data: dict[str, Any]) -> Contact:
    """Apply a profile edit made against `version`; a stale version is refused."""
    _require_edit(actor, contact.account)
    cleaned = _clean_data(data)
    locked = lock_at_version(
        Contact.objects.select_related("account"), pk=contact.pk, version=version
    )
    _validate_choices(cleaned)
    _validate_reports_to(
        contact_pk=locked.pk, account=locked.account, reports_to=cleaned.get("reports_to")
    )
    before = audit_snapshot(locked, list(cleaned))
    scores_before = [getattr(locked, f) for f in SCORE_FIELDS]
    for field, value in cleaned.items():
        setattr(locked, field, value)
    locked.version += 1
    locked.save(update_fields=[*cleaned, "version", "updated_at"])
    audit_record_changes(instance=locked, before=before, actor=actor)
    if [getattr(locked, f) for f in SCORE_FIELDS] != scores_before:
        _snapshot_scores(contact=locked, note=_("编辑资料"), actor=actor)
    search_index_contact(locked)
    return locked


@transaction.atomic
def contact_update_scores(
    *,
    contact: Contact,
    closeness: int,
    solution_acceptance: int,
    price_acceptance: int,
    note: str,
    actor: User,
) -> Contact:
    """The quick score edit from the decision-chain table; unchanged scores write nothing."""
    _require_edit(actor, contact.account)
    scores = {
        "closeness": closeness,
        "solution_acceptance": solution_acceptance,
        "price_acceptance": price_acceptance,
    }
    _validate_choices(scores)
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    if all(getattr(locked, f) == v for f, v in scores.items()):
        return locked
    before = audit_snapshot(locked, SCORE_FIELDS)
    for field, value in scores.items():
        setattr(locked, field, value)
    locked.version += 1
    locked.save(update_fields=[*SCORE_FIELDS, "version", "updated_at"])
    audit_record_changes(instance=locked, before=before, actor=actor)
    _snapshot_scores(contact=locked, note=note.strip(), actor=actor)
    return locked


@transaction.atomic
def contact_mark_status(*, contact: Contact, status: str, note: str, actor: User) -> Contact:
    """Left or moved: the person stays on the map (greyed) and the account is flagged, because
    the relationship has to be rebuilt with whoever takes over."""
    _require_edit(actor, contact.account)
    if status not in ContactStatus.values:
        raise ValidationError({"status": [_("请选择有效的选项。")]})
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    if locked.status == status:
        raise ValidationError({"status": [_("状态没有变化。")]})
    if status in PERSONNEL_CHANGE_STATUSES and not note.strip():
        raise ValidationError({"note": [_("请说明人员变动情况（去向、接任者等）。")]})
    now = timezone.now()
    before = audit_snapshot(locked, ["status", "status_note"])
    locked.status = status
    locked.status_note = note.strip()[:200]
    locked.status_changed_at = now
    locked.version += 1
    locked.save(
        update_fields=["status", "status_note", "status_changed_at", "version", "updated_at"]
    )
    audit_record_changes(instance=locked, before=before, actor=actor)
    if status in PERSONNEL_CHANGE_STATUSES:
        Account.objects.filter(pk=locked.account_id).update(personnel_change_at=now)
        personnel_change_notify(contact=locked, actor=actor)
    return locked


def _decimal(value: Any, field: str, places: int) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, float | bool):
        raise TypeError(f"{field} must be a Decimal, not {type(value).__name__}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({field: [_("请输入数字。")]}) from None
    if not number.is_finite():
        raise ValidationError({field: [_("请输入数字。")]})
    if number < 0:
        raise ValidationError({field: [_("不能为负数。")]})
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValidationError({field: [_("小数位数过多。")]})
    return number


@transaction.atomic
def guide_cost_add(
    *,
    contact: Contact,
    kind: str,
    spent_on: date,
    amount: Decimal | None,
    hours: Decimal | None,
    note: str,
    actor: User,
) -> GuideCost:
    """Record what keeping a guide costs: money (元, amount > 0) or time (hours > 0)."""
    _require_edit(actor, contact.account)
    if kind not in GuideCostKind.values:
        raise ValidationError({"kind": [_("请选择有效的选项。")]})
    money = _decimal(amount, "amount", 2)
    time = _decimal(hours, "hours", 1)
    if kind == GuideCostKind.MONEY and money <= 0:
        raise ValidationError({"amount": [_("费用类投入必须填写大于 0 的金额。")]})
    if kind == GuideCostKind.TIME and time <= 0:
        raise ValidationError({"hours": [_("时间类投入必须填写大于 0 的工时。")]})
    if money >= Decimal("1e12"):
        raise ValidationError({"amount": [_("金额过大。")]})
    if time >= Decimal("1e5"):
        raise ValidationError({"hours": [_("工时过大。")]})
    cost = GuideCost.objects.create(
        contact=contact,
        kind=kind,
        spent_on=spent_on,
        amount=money,
        hours=time,
        note=note.strip()[:200],
        recorded_by=actor,
    )
    audit_record_creation(instance=cost, fields=GUIDE_COST_FIELDS, actor=actor)
    return cost


def _validate_plan(*, our_executive: User | None, purpose: str, cadence_days: int) -> None:
    errors: dict[str, list[str]] = {}
    if our_executive is None or not our_executive.is_active:
        errors["our_executive"] = [_("请选择在职的我方高层。")]
    if not purpose.strip():
        errors["purpose"] = [_("请填写维护目的。")]
    if not isinstance(cadence_days, int) or not 1 <= cadence_days <= 366:
        errors["cadence_days"] = [_("频率必须在 1 到 366 天之间。")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def engagement_plan_create(
    *,
    contact: Contact,
    our_executive: User,
    purpose: str,
    cadence_days: int,
    next_due: date,
    actor: User,
) -> EngagementPlan:
    """Pair a senior customer person with one of our executives on a cadence (R-CON-5)."""
    _require_edit(actor, contact.account)
    _validate_plan(our_executive=our_executive, purpose=purpose, cadence_days=cadence_days)
    plan = EngagementPlan.objects.create(
        contact=contact,
        our_executive=our_executive,
        purpose=purpose.strip()[:200],
        cadence_days=cadence_days,
        next_due=next_due,
    )
    audit_record_creation(instance=plan, fields=PLAN_FIELDS, actor=actor)
    return plan


@transaction.atomic
def engagement_touch_record(
    *, plan: EngagementPlan, touched_on: date, note: str, actor: User
) -> EngagementTouch:
    """A touch happened: remember it and schedule the next one a cadence later."""
    _require_edit(actor, plan.contact.account)
    locked = EngagementPlan.objects.select_for_update().get(pk=plan.pk)
    if not locked.active:
        raise ValidationError({"touched_on": [_("该维护计划已停止。")]})
    if touched_on > timezone.localdate():
        raise ValidationError({"touched_on": [_("接触日期不能晚于今天。")]})
    touch = EngagementTouch.objects.create(
        plan=locked, touched_on=touched_on, note=note.strip()[:300], recorded_by=actor
    )
    before = audit_snapshot(locked, ["last_done", "next_due"])
    if locked.last_done is None or touched_on >= locked.last_done:
        locked.last_done = touched_on
        locked.next_due = touched_on + timedelta(days=locked.cadence_days)
        locked.save(update_fields=["last_done", "next_due"])
        audit_record_changes(instance=locked, before=before, actor=actor)
    return touch


@transaction.atomic
def engagement_plan_deactivate(*, plan: EngagementPlan, actor: User) -> EngagementPlan:
    _require_edit(actor, plan.contact.account)
    locked = EngagementPlan.objects.select_for_update().get(pk=plan.pk)
    if not locked.active:
        return locked
    before = audit_snapshot(locked, ["active"])
    locked.active = False
    locked.save(update_fields=["active"])
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked
