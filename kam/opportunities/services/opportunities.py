"""Writes to opportunities (SPEC R-OPP-1, R-OPP-6): create, edit, line items, competitors, the
deal team and manual attestations. Stage moves live in `moves.py`."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.accounts.rules import account_can_edit, owner_scope_ids
from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.core.versioning import lock_at_version
from kam.intents.services import intent_change_record
from kam.opportunities.enums import (
    ForecastCategory,
    IntentClass,
    MoveChannel,
    ProjectClass,
    StageKind,
    TeamRole,
)
from kam.opportunities.models import (
    AttestationRecord,
    Competitor,
    Opportunity,
    OpportunityLine,
    OpportunityTeamMember,
    SalesProcess,
    Stage,
    StageAttestation,
    StageMove,
)
from kam.opportunities.money import line_amount, lines_total
from kam.opportunities.rules import opportunity_can_contribute, opportunity_can_edit
from kam.pools.services.protection import placement_refresh
from kam.products.models import Product
from kam.users.models import User

EDITABLE_FIELDS = [
    "name", "expected_sign_date", "probability", "forecast_category", "intent_class",
    "project_class", "partner_name", "customer_lead", "description", "owner",
]  # fmt: skip
AUDITED_FIELDS = [*EDITABLE_FIELDS, "amount", "stage", "close_reason"]
COMPETITOR_FIELDS = ["name", "strengths", "weaknesses", "relationship"]
MAX_LINES = 200
MAX_QUANTITY = Decimal("999999999.99")
MAX_PRICE = Decimal("999999999999.99")


def _decimal(value: Any, *, row: int, label: str, places: int = 2) -> Decimal:
    if isinstance(value, (bool, float)):
        raise TypeError("Money and quantities must be Decimal or str, not float.")
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise _row_error(row, _("%(label)s不是有效的数字。") % {"label": label}) from None
    if not number.is_finite():
        raise _row_error(row, _("%(label)s不是有效的数字。") % {"label": label})
    step = Decimal(1).scaleb(-places)
    if number != number.quantize(step):
        raise _row_error(
            row, _("%(label)s最多保留 %(places)s 位小数。") % {"label": label, "places": places}
        )
    return number.quantize(step)


def _row_error(row: int, message: str) -> ValidationError:
    return ValidationError(
        {"lines": [_("第 %(row)s 行：%(message)s") % {"row": row, "message": message}]}
    )


def lines_clean(lines: Sequence[dict[str, Any]]) -> list[OpportunityLine]:
    """Validate line input (product, quantity, unit_price, discount_rate, description) into
    unsaved rows with their amounts; every error names its row."""
    if len(lines) > MAX_LINES:
        raise ValidationError({"lines": [_("产品明细最多 %(n)s 行。") % {"n": MAX_LINES}]})
    product_ids = [
        line["product"].pk if isinstance(line.get("product"), Product) else line.get("product")
        for line in lines
    ]
    products = Product.objects.in_bulk([pk for pk in product_ids if isinstance(pk, int)])
    rows: list[OpportunityLine] = []
    for position, (line, product_id) in enumerate(zip(lines, product_ids, strict=True), start=1):
        product = products.get(product_id) if isinstance(product_id, int) else None
        if product is None:
            raise _row_error(position, _("请选择有效的产品。"))
        if not product.active:
            raise _row_error(position, _("产品“%(name)s”已停售。") % {"name": product.name})
        quantity = _decimal(line.get("quantity"), row=position, label=_("数量"))
        if not Decimal(0) < quantity <= MAX_QUANTITY:
            raise _row_error(position, _("数量必须大于 0。"))
        price_input = line.get("unit_price")
        unit_price = (
            product.list_price
            if price_input in (None, "")
            else _decimal(price_input, row=position, label=_("单价"))
        )
        if not Decimal(0) <= unit_price <= MAX_PRICE:
            raise _row_error(position, _("单价不能为负数。"))
        discount = _decimal(line.get("discount_rate") or "0", row=position, label=_("折扣率"))
        if not Decimal(0) <= discount <= Decimal(100):
            raise _row_error(position, _("折扣率必须在 0 到 100 之间。"))
        rows.append(
            OpportunityLine(
                product=product,
                description=str(line.get("description") or "")[:200],
                quantity=quantity,
                unit_price=unit_price,
                discount_rate=discount,
                amount=line_amount(quantity, unit_price, discount),
                position=position,
            )
        )
    return rows


def _clean_fields(
    data: dict[str, Any], *, actor: User, current_owner: User | None
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean = dict(data)
    if "name" in clean:
        clean["name"] = (clean["name"] or "").strip()
        if not clean["name"]:
            errors["name"] = [_("这个字段是必填项。")]
    if "probability" in clean:
        value = clean["probability"]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            errors["probability"] = [_("赢率必须是 0 到 100 之间的整数。")]
    choices = {
        "forecast_category": ForecastCategory.values,
        "intent_class": ["", *IntentClass.values],
        "project_class": ["", *ProjectClass.values],
    }
    for key, allowed in choices.items():
        if key in clean and clean[key] not in allowed:
            errors[key] = [_("请选择有效的选项。")]
    if clean.get("forecast_category") == ForecastCategory.CLOSED:
        errors["forecast_category"] = [_("“已成交”由赢单阶段自动设置。")]
    sign_date = clean.get("expected_sign_date")
    if sign_date is not None and not isinstance(sign_date, date):
        errors["expected_sign_date"] = [_("请输入有效的日期。")]
    for key in ("partner_name", "customer_lead", "description"):
        if key in clean:
            clean[key] = (clean[key] or "").strip()
    if clean.get("project_class") == ProjectClass.E and not clean.get("partner_name", "x"):
        errors["partner_name"] = [_("E 类项目必须填写报备的合作伙伴。")]
    owner = clean.get("owner")
    if "owner" in clean and owner != current_owner:
        if owner is None or not owner.is_active:
            errors["owner"] = [_("请选择有效的负责人。")]
        elif not actor.sees_everything and owner.pk not in owner_scope_ids(actor):
            errors["owner"] = [_("只能把商机交给自己或下属。")]
    if errors:
        raise ValidationError(errors)
    return clean


def _first_open_stage(process: SalesProcess) -> Stage:
    stage = (
        Stage.objects.filter(process=process, kind=StageKind.OPEN, active=True)
        .order_by("order")
        .first()
    )
    if stage is None:
        raise ValidationError({"process": [_("该销售流程没有可用的阶段。")]})
    return stage


@transaction.atomic
def opportunity_create(
    *,
    account: Account,
    actor: User,
    data: dict[str, Any],
    lines: Sequence[dict[str, Any]] = (),
    process: SalesProcess | None = None,
) -> Opportunity:
    """A new opportunity in the process's first open stage, owned by the actor unless `data`
    names another owner in their scope; the owner joins the team as account manager.
    Someone who reads the account but does not own it asks through `override.py` instead."""
    if not account_can_edit(actor, account):
        raise PermissionDenied(_("只有客户负责人及其上级可以在该客户下创建商机。"))
    return opportunity_create_authorised(
        account=account, actor=actor, data=data, lines=lines, process=process
    )


def opportunity_create_clean(
    *,
    actor: User,
    data: dict[str, Any],
    lines: Sequence[dict[str, Any]],
    process: SalesProcess | None,
) -> tuple[SalesProcess, Stage, dict[str, Any], list[OpportunityLine]]:
    """Everything a create checks, without writing: the process, its first stage, the clean
    fields and the line rows."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not settable: {sorted(unknown)}")
    process = process or SalesProcess.objects.filter(is_default=True, active=True).first()
    if process is None or not process.active:
        raise ValidationError({"process": [_("请选择有效的销售流程。")]})
    stage = _first_open_stage(process)
    clean = _clean_fields(
        {"owner": actor, "probability": stage.default_probability, **data},
        actor=actor,
        current_owner=actor,
    )
    if not clean.get("name"):
        raise ValidationError({"name": [_("这个字段是必填项。")]})
    return process, stage, clean, lines_clean(lines)


@transaction.atomic
def opportunity_create_authorised(
    *,
    account: Account,
    actor: User,
    data: dict[str, Any],
    lines: Sequence[dict[str, Any]] = (),
    process: SalesProcess | None = None,
) -> Opportunity:
    """The create itself, for callers that have decided the actor may create here: the
    account's editors (`opportunity_create`) and an approved creation override."""
    process, stage, clean, rows = opportunity_create_clean(
        actor=actor, data=data, lines=lines, process=process
    )
    now = timezone.now()
    opportunity = Opportunity.objects.create(
        account=account,
        process=process,
        stage=stage,
        stage_entered_at=now,
        created_by=actor,
        amount=lines_total(row.amount for row in rows),
        **clean,
    )
    opportunity.number = f"SJ{now:%Y}{opportunity.pk:06d}"
    opportunity.save(update_fields=["number"])
    for row in rows:
        row.opportunity = opportunity
    OpportunityLine.objects.bulk_create(rows)
    StageMove.objects.create(
        opportunity=opportunity,
        to_stage=stage,
        actor=actor,
        owner=opportunity.owner,
        channel=MoveChannel.FORM,
    )
    OpportunityTeamMember.objects.create(
        opportunity=opportunity, user=opportunity.owner, role=TeamRole.ACCOUNT_MANAGER
    )
    audit_record_creation(instance=opportunity, fields=AUDITED_FIELDS, actor=actor)
    intent_change_record(
        subject=opportunity, from_class="", to_class=opportunity.intent_class, actor=actor
    )
    _after_write(opportunity)
    # A new opportunity extends the owner's protection from the pool (R-POOL-1).
    placement_refresh(account)
    return opportunity


def _after_write(opportunity: Opportunity) -> None:
    from kam.search.services import search_index_opportunity

    search_index_opportunity(opportunity)


def _locked(opportunity: Opportunity, version: int) -> Opportunity:
    return lock_at_version(Opportunity.objects.all(), pk=opportunity.pk, version=version)


def _require_edit(actor: User, opportunity: Opportunity) -> None:
    if not opportunity_can_edit(actor, opportunity):
        raise PermissionDenied(_("只有商机负责人、客户负责人及其上级可以修改商机。"))


def _require_open(opportunity: Opportunity) -> None:
    if opportunity.is_closed:
        raise ValidationError(_("商机已关闭，不能再修改；如需继续跟进请先重新打开。"))


@transaction.atomic
def opportunity_update(
    *, opportunity: Opportunity, actor: User, version: int, changes: dict[str, Any]
) -> Opportunity:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    _require_edit(actor, opportunity)
    locked = _locked(opportunity, version)
    _require_open(locked)
    clean = _clean_fields(
        {"partner_name": locked.partner_name, **changes} if "project_class" in changes else changes,
        actor=actor,
        current_owner=locked.owner,
    )
    before = audit_snapshot(locked, AUDITED_FIELDS)
    for key, value in clean.items():
        setattr(locked, key, value)
    locked.version = F("version") + 1
    locked.save(update_fields=[*clean, "version", "updated_at"])
    locked.refresh_from_db()
    if "owner" in clean:
        OpportunityTeamMember.objects.get_or_create(
            opportunity=locked, user=locked.owner, role=TeamRole.ACCOUNT_MANAGER
        )
    audit_record_changes(instance=locked, before=before, actor=actor)
    intent_change_record(
        subject=locked, from_class=before["intent_class"][0], to_class=locked.intent_class,
        actor=actor,
    )  # fmt: skip
    _after_write(locked)
    return locked


@transaction.atomic
def opportunity_lines_replace(
    *, opportunity: Opportunity, actor: User, version: int, lines: Sequence[dict[str, Any]]
) -> Opportunity:
    """Replace all line items and recompute the amount in one versioned write."""
    _require_edit(actor, opportunity)
    locked = _locked(opportunity, version)
    _require_open(locked)
    rows = lines_clean(lines)
    before = audit_snapshot(locked, AUDITED_FIELDS)
    locked.lines.all().delete()
    for row in rows:
        row.opportunity = locked
    OpportunityLine.objects.bulk_create(rows)
    locked.amount = lines_total(row.amount for row in rows)
    locked.version = F("version") + 1
    locked.save(update_fields=["amount", "version", "updated_at"])
    locked.refresh_from_db()
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


def _competitor_clean(data: dict[str, Any]) -> dict[str, str]:
    clean = {key: str(data.get(key) or "").strip() for key in COMPETITOR_FIELDS}
    if not clean["name"]:
        raise ValidationError({"name": [_("请填写竞争对手名称。")]})
    return clean


@transaction.atomic
def competitor_add(*, opportunity: Opportunity, actor: User, data: dict[str, Any]) -> Competitor:
    if not opportunity_can_contribute(actor, opportunity):
        raise PermissionDenied
    _require_open(opportunity)
    competitor = Competitor.objects.create(opportunity=opportunity, **_competitor_clean(data))
    audit_record_creation(instance=competitor, fields=COMPETITOR_FIELDS, actor=actor)
    return competitor


@transaction.atomic
def competitor_update(*, competitor: Competitor, actor: User, data: dict[str, Any]) -> Competitor:
    if not opportunity_can_contribute(actor, competitor.opportunity):
        raise PermissionDenied
    _require_open(competitor.opportunity)
    before = audit_snapshot(competitor, COMPETITOR_FIELDS)
    clean = _competitor_clean(data)
    for key, value in clean.items():
        setattr(competitor, key, value)
    competitor.save(update_fields=list(clean))
    audit_record_changes(instance=competitor, before=before, actor=actor)
    return competitor


@transaction.atomic
def competitor_delete(*, competitor: Competitor, actor: User) -> None:
    if not opportunity_can_contribute(actor, competitor.opportunity):
        raise PermissionDenied
    _require_open(competitor.opportunity)
    competitor.delete()


@transaction.atomic
def opportunity_team_add(
    *, opportunity: Opportunity, actor: User, user: User, role: str
) -> OpportunityTeamMember:
    """Add someone to the deal's team; they then see the deal and its account (SPEC §1)."""
    _require_edit(actor, opportunity)
    if role not in TeamRole.values:
        raise ValidationError({"role": [_("请选择有效的角色。")]})
    if not user.is_active:
        raise ValidationError({"user": [_("该用户已停用。")]})
    member, created = OpportunityTeamMember.objects.get_or_create(
        opportunity=opportunity, user=user, role=role
    )
    if not created:
        raise ValidationError({"user": [_("该成员已在项目组中担任此角色。")]})
    audit_record_creation(instance=member, fields=["user", "role"], actor=actor)
    return member


@transaction.atomic
def opportunity_team_remove(*, member: OpportunityTeamMember, actor: User) -> None:
    opportunity = member.opportunity
    _require_edit(actor, opportunity)
    if member.user_id == opportunity.owner_id and member.role == TeamRole.ACCOUNT_MANAGER:
        raise ValidationError(_("商机负责人不能移出项目组；请先更换负责人。"))
    member.delete()


@transaction.atomic
def opportunity_attest(
    *, opportunity: Opportunity, attestation: StageAttestation, actor: User, note: str = ""
) -> AttestationRecord:
    """Tick a manual required action; only someone holding its role on the deal (or an
    editor when the role is account manager) may, and the tick names them."""
    _require_open(opportunity)
    if attestation.stage.process_id != opportunity.process_id:
        raise ValidationError(_("该确认项不属于此商机的销售流程。"))
    holds_role = opportunity.team_members.filter(user=actor, role=attestation.role).exists()
    if not (holds_role or actor.is_superuser):
        raise PermissionDenied(
            _("只有项目组中的%(role)s可以确认此项。") % {"role": TeamRole(attestation.role).label}
        )
    record, created = AttestationRecord.objects.get_or_create(
        opportunity=opportunity,
        attestation=attestation,
        defaults={"attested_by": actor, "note": note.strip()[:200]},
    )
    if not created:
        raise ValidationError(_("此项已确认。"))
    return record
