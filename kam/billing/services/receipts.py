"""Receipts (回款): record, allocate to milestones, reverse (R-COL-3).

Allocation locks the receipt at the version the user saw, then the milestones in pk order (a
fixed order, so two allocations touching the same milestones cannot deadlock), and only then
reads the sums it checks; on SQLite the IMMEDIATE transaction serialises writers instead. Money
beyond what the chosen milestones still owe stays on the receipt: it is the account's credit,
applied later by hand with another allocation from the same receipt.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.billing.enums import BillingEventKind, ReceiptMethod, ReceiptStatus
from kam.billing.models import Allocation, Receipt
from kam.billing.services.common import (
    allocated_on_receipt,
    event,
    lock_milestones,
    milestone_money_sync,
    reason_clean,
    require_billable,
    require_recorder,
)
from kam.contracts.enums import ContractStatus
from kam.contracts.models import Contract, PaymentMilestone
from kam.contracts.money import money_clean
from kam.contracts.services.contracts import contract_status_change
from kam.core.aggregates import yuan
from kam.core.versioning import lock_at_version, save_bumped
from kam.search.services import search_index_receipt
from kam.users.models import User

TEXT_LIMITS = {"payer_name": 200, "reference": 100}


def _clean(account: Account, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    try:
        clean["amount"] = money_clean(data.get("amount"), "amount")
    except ValidationError as error:
        errors.update(error.message_dict)
    received_on = data.get("received_on")
    if not isinstance(received_on, date):
        errors["received_on"] = [_("请填写到账日期。")]
    elif received_on > timezone.localdate():
        errors["received_on"] = [_("到账日期不能晚于今天。")]
    clean["received_on"] = received_on
    if data.get("method") not in ReceiptMethod.values:
        errors["method"] = [_("请选择回款方式。")]
    clean["method"] = data.get("method")
    contract = data.get("contract")
    if contract is not None and (
        not isinstance(contract, Contract) or contract.account_id != account.pk
    ):
        errors["contract"] = [_("合同不属于该客户。")]
    clean["contract"] = contract
    for field, limit in TEXT_LIMITS.items():
        clean[field] = str(data.get(field) or "").strip()
        if len(clean[field]) > limit:
            errors[field] = [_("不能超过 %(limit)s 个字符。") % {"limit": limit}]
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def receipt_record(*, account: Account, actor: User, data: dict[str, Any]) -> Receipt:
    require_recorder(actor)
    clean = _clean(account, data)
    receipt = Receipt.objects.create(account=account, recorded_by=actor, **clean)
    search_index_receipt(receipt)
    event(
        kind=BillingEventKind.RECEIPT_RECORDED, actor=actor, receipt=receipt,
        to_status=ReceiptStatus.RECORDED, amount=receipt.amount,
    )  # fmt: skip
    return receipt


def _lines_clean(
    receipt: Receipt, allocations: Sequence[tuple[PaymentMilestone | int, Any]]
) -> dict[int, Decimal]:
    """Milestone pk → amount; the same milestone twice is summed."""
    if not allocations:
        raise ValidationError({"allocations": [_("请至少填写一个节点的核销金额。")]})
    lines: dict[int, Decimal] = {}
    for position, (milestone, raw) in enumerate(allocations, start=1):
        try:
            amount = money_clean(raw, "amount")
        except ValidationError as error:
            message = error.message_dict["amount"][0]
            raise ValidationError(
                {"allocations": [_("第 %(n)s 行：%(msg)s") % {"n": position, "msg": message}]}
            ) from None
        pk = milestone.pk if isinstance(milestone, PaymentMilestone) else int(milestone)
        lines[pk] = lines.get(pk, Decimal("0.00")) + amount
    return lines


@transaction.atomic
def receipt_allocate(
    *,
    receipt: Receipt,
    allocations: Sequence[tuple[PaymentMilestone | int, Any]],
    actor: User,
    version: int,
) -> list[Allocation]:
    """Allocate parts of `receipt` to milestones of its account's (or its own) contract: never
    more than the receipt still holds, never more than a milestone still owes."""
    require_recorder(actor)
    lines = _lines_clean(receipt, allocations)
    locked = lock_at_version(Receipt.objects.all(), pk=receipt.pk, version=version)
    if locked.status != ReceiptStatus.RECORDED:
        raise ValidationError({"receipt": [_("已冲销的回款不能核销。")]})
    milestones = lock_milestones(lines)
    contracts = {
        c.pk: c
        for c in Contract.objects.filter(pk__in={m.contract_id for m in milestones.values()})
    }
    errors: list[str] = []
    for pk, amount in lines.items():
        milestone = milestones.get(pk)
        contract = contracts.get(milestone.contract_id) if milestone else None
        if (
            milestone is None
            or contract is None
            or contract.account_id != locked.account_id
            or (locked.contract_id is not None and contract.pk != locked.contract_id)
        ):
            errors.append(_("节点 %(pk)s 不属于该回款的客户或合同。") % {"pk": pk})
            continue
        require_billable(contract, "allocations")
        outstanding = milestone.amount - yuan(milestone.allocated_fen)
        if amount > outstanding:
            errors.append(
                _("%(contract)s「%(milestone)s」还欠 %(outstanding)s 元，不能核销 %(amount)s 元。")
                % {
                    "contract": contract.number or contract.name,
                    "milestone": milestone,
                    "outstanding": outstanding,
                    "amount": amount,
                }
            )
    if errors:
        raise ValidationError({"allocations": errors})
    available = locked.amount - allocated_on_receipt(locked)
    total = sum(lines.values(), Decimal("0.00"))
    if total > available:
        raise ValidationError(
            {"allocations": [
                _("本次核销 %(total)s 元，超过该回款未核销余额 %(available)s 元。")
                % {"total": total, "available": available}
            ]}
        )  # fmt: skip
    created = Allocation.objects.bulk_create(
        [Allocation(receipt=locked, milestone_id=pk, amount=amount, allocated_by=actor)
         for pk, amount in sorted(lines.items())]
    )  # fmt: skip
    milestone_money_sync(lines)
    save_bumped(locked, [])
    event(
        kind=BillingEventKind.RECEIPT_ALLOCATED, actor=actor, receipt=locked, amount=total,
        note="; ".join(f"{milestones[pk]}: {amount}" for pk, amount in sorted(lines.items())),
    )  # fmt: skip
    receipt.version = locked.version
    return created


def _reopen_completed(receipt: Receipt) -> None:
    """A contract completed on money this receipt brought is owed again: it goes back to
    executing, so the battle map and the alerts pick it up."""
    paid = receipt.allocations.filter(reversed_at__isnull=True).values("milestone__contract_id")
    contracts = Contract.objects.select_for_update().filter(
        status=ContractStatus.COMPLETED, pk__in=paid
    )
    for contract in contracts:
        contract_status_change(contract, None, status=ContractStatus.EXECUTING)


@transaction.atomic
def receipt_reverse(*, receipt: Receipt, actor: User, version: int, reason: str) -> Receipt:
    """Reverse a receipt (entered in error, bounced bill): its allocations stop counting, so the
    milestones it paid are owed again; the rows stay, stamped, as history."""
    require_recorder(actor)
    clean_reason = reason_clean(reason)
    locked = lock_at_version(Receipt.objects.all(), pk=receipt.pk, version=version)
    if locked.status == ReceiptStatus.REVERSED:
        raise ValidationError({"status": [_("该回款已冲销。")]})
    now = timezone.now()
    active = locked.allocations.filter(reversed_at__isnull=True)
    paid = lock_milestones(active.values_list("milestone_id", flat=True))
    _reopen_completed(locked)
    active.update(reversed_at=now)
    milestone_money_sync(paid)
    locked.status = ReceiptStatus.REVERSED
    locked.reversal_reason = clean_reason
    locked.reversed_by = actor
    locked.reversed_at = now
    save_bumped(locked, ["status", "reversal_reason", "reversed_by", "reversed_at"])
    search_index_receipt(locked)
    event(
        kind=BillingEventKind.RECEIPT_REVERSED, actor=actor, receipt=locked,
        from_status=ReceiptStatus.RECORDED, to_status=ReceiptStatus.REVERSED,
        amount=locked.amount, note=clean_reason,
    )  # fmt: skip
    return locked
