"""Writes for contracts (R-COL-1): create (by hand, or from a won opportunity, taking the
accepted quote's amount), edit while a draft, and record delivery and acceptance — the events
that set the due dates of the milestones waiting for them."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.accounts.rules import account_can_edit
from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.contracts.enums import ContractStatus
from kam.contracts.models import Contract
from kam.contracts.money import money_clean
from kam.contracts.rules import contract_can_edit
from kam.contracts.services.plans import (
    milestone_due_dates_refresh,
    milestones_contract_sync,
    payment_plan_reprice,
)
from kam.core.versioning import lock_at_version, save_bumped
from kam.opportunities.enums import StageKind
from kam.opportunities.models import Opportunity
from kam.quotes.selectors import quote_accepted_for
from kam.search.services import search_index_contract
from kam.users.models import User

CONTRACT_FIELDS = ["name", "amount", "terms", "warranty_months"]
AUDITED_FIELDS = [*CONTRACT_FIELDS, "status", "owner", "signed_on", "delivered_on", "accepted_on"]
MAX_WARRANTY_MONTHS = 120


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(CONTRACT_FIELDS)
    if unknown:
        raise ValueError(f"not settable: {sorted(unknown)}")
    clean = dict(data)
    errors: dict[str, list[str]] = {}
    if "name" in clean:
        clean["name"] = str(clean["name"] or "").strip()
        if not clean["name"]:
            errors["name"] = [_("这个字段是必填项。")]
    if "amount" in clean:
        try:
            clean["amount"] = money_clean(clean["amount"], "amount")
        except ValidationError as error:
            errors.update(error.message_dict)
    if "warranty_months" in clean:
        months = clean["warranty_months"]
        if (
            isinstance(months, bool)
            or not isinstance(months, int)
            or not (0 <= months <= MAX_WARRANTY_MONTHS)
        ):
            errors["warranty_months"] = [_("质保期应为 0 到 120 个月。")]
    if "terms" in clean:
        clean["terms"] = str(clean["terms"] or "").strip()
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def contract_create(
    *,
    account: Account,
    actor: User,
    data: dict[str, Any],
    opportunity: Opportunity | None = None,
) -> Contract:
    """A draft contract on `account`, owned by the opportunity's owner (or the account's)."""
    if not account_can_edit(actor, account):
        raise PermissionDenied(_("只有客户负责人及其上级可以创建合同。"))
    if opportunity is not None:
        if opportunity.account_id != account.pk:
            raise ValidationError({"opportunity": [_("商机不属于该客户。")]})
        if opportunity.stage.kind != StageKind.WON:
            raise ValidationError({"opportunity": [_("只有赢单的商机可以生成合同。")]})
    clean = _clean({"name": "", "amount": "", **data})
    owner = opportunity.owner if opportunity is not None else (account.owner or actor)
    contract = Contract.objects.create(
        account=account, opportunity=opportunity, owner=owner, created_by=actor, **clean
    )
    contract.number = f"HT{timezone.localdate():%Y}{contract.pk:06d}"
    contract.save(update_fields=["number"])
    search_index_contract(contract)
    audit_record_creation(instance=contract, fields=AUDITED_FIELDS, actor=actor)
    return contract


def contract_create_from_opportunity(*, opportunity: Opportunity, actor: User) -> Contract:
    """The won deal's contract: its name, and the accepted quote's total with tax (the
    opportunity's amount when no quote was accepted)."""
    accepted = quote_accepted_for(opportunity)
    amount = accepted.gross_total if accepted is not None else opportunity.amount
    return contract_create(
        account=opportunity.account, actor=actor, opportunity=opportunity,
        data={"name": opportunity.name, "amount": amount},
    )  # fmt: skip


def contract_locked(contract: Contract, actor: User, version: int) -> Contract:
    if not contract_can_edit(actor, contract):
        raise PermissionDenied(_("只有合同负责人及其上级可以修改合同。"))
    return lock_at_version(Contract.objects.all(), pk=contract.pk, version=version)


@transaction.atomic
def contract_update(
    *, contract: Contract, actor: User, version: int, changes: dict[str, Any]
) -> Contract:
    """Edit a draft. A signed contract changes only through its approvals."""
    clean = _clean(changes)
    locked = contract_locked(contract, actor, version)
    if locked.status != ContractStatus.DRAFT:
        raise ValidationError(_("合同已提交或签订，不能直接修改。"))
    before = audit_snapshot(locked, list(clean))
    for field, value in clean.items():
        setattr(locked, field, value)
    save_bumped(locked, list(clean))
    search_index_contract(locked)
    audit_record_changes(instance=locked, before=before, actor=actor)
    if "amount" in clean:
        # A percentage plan follows the amount; an amount plan no longer sums and says so.
        payment_plan_reprice(locked)
    return locked


def contract_status_change(contract: Contract, actor: User | None, **changes: Any) -> None:
    """The one way a contract's status changes (`changes` holds `status` and any field that
    changes with it, in the order they are audited): audited, the version bumped, and the
    milestones' copy of "signed" following. The caller holds the contract's row lock."""
    fields = list(changes)
    before = audit_snapshot(contract, fields)
    for name, value in changes.items():
        setattr(contract, name, value)
    save_bumped(contract, fields)
    milestones_contract_sync(contract)
    audit_record_changes(instance=contract, before=before, actor=actor)


def _record_event(contract: Contract, actor: User, version: int, field: str, on: date) -> Contract:
    locked = contract_locked(contract, actor, version)
    if locked.status not in (ContractStatus.SIGNED, ContractStatus.EXECUTING):
        raise ValidationError(_("合同签订后才能登记到货和验收。"))
    if on > timezone.localdate():
        raise ValidationError({field: [_("日期不能晚于今天。")]})
    if field == "accepted_on" and (locked.delivered_on is None or on < locked.delivered_on):
        raise ValidationError({field: [_("验收日期不能早于到货日期（请先登记到货）。")]})
    contract_status_change(locked, actor, **{field: on}, status=ContractStatus.EXECUTING)
    milestone_due_dates_refresh(locked)
    return locked


@transaction.atomic
def contract_record_delivery(
    *, contract: Contract, actor: User, version: int, on: date
) -> Contract:
    return _record_event(contract, actor, version, "delivered_on", on)


@transaction.atomic
def contract_record_acceptance(
    *, contract: Contract, actor: User, version: int, on: date
) -> Contract:
    return _record_event(contract, actor, version, "accepted_on", on)
