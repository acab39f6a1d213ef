"""Payment plans (R-COL-2): milestones from a template or by hand, each a percentage or an
amount, due on a date or some days after an event. A plan is saved only when it sums to the
contract amount to the fen, and only as a whole: nothing is half-saved."""

import calendar
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kam.checklists.sync import checklists_sync
from kam.contracts.enums import BILLABLE_STATUSES, ContractStatus, MilestoneKind, MilestoneTrigger
from kam.contracts.models import Contract, PaymentMilestone
from kam.contracts.money import (
    HUNDRED,
    TEMPLATES,
    Share,
    money_clean,
    plan_amounts,
    plan_difference,
)
from kam.contracts.rules import contract_can_edit
from kam.core.versioning import lock_at_version, save_bumped
from kam.users.models import User

MAX_MILESTONES = 24
MAX_DUE_DAYS = 3650
PERCENT_PLACES = Decimal("0.0001")


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def milestone_due_date(milestone: PaymentMilestone, contract: Contract) -> date | None:
    """When the milestone falls due, or None while its event has not happened."""
    trigger = milestone.trigger
    if trigger == MilestoneTrigger.DATE:
        return milestone.fixed_date
    event = {
        MilestoneTrigger.SIGNING: contract.signed_on,
        MilestoneTrigger.DELIVERY: contract.delivered_on,
        MilestoneTrigger.ACCEPTANCE: contract.accepted_on,
        MilestoneTrigger.WARRANTY_END: (
            add_months(contract.accepted_on, contract.warranty_months)
            if contract.accepted_on
            else None
        ),
    }[MilestoneTrigger(trigger)]
    return event + timedelta(days=milestone.due_days) if event is not None else None


def milestone_due_dates_refresh(contract: Contract) -> int:
    """Re-derive every milestone's due date after an event or a plan change."""
    milestones = list(contract.milestones.all())
    changed = []
    for milestone in milestones:
        due = milestone_due_date(milestone, contract)
        if due != milestone.due_date:
            milestone.due_date = due
            changed.append(milestone)
    PaymentMilestone.objects.bulk_update(changed, ["due_date"])
    return len(changed)


def milestones_contract_sync(contract: Contract) -> None:
    """After a contract's status changes: its milestones' copy of "signed" (and of the
    account) follows. The caller holds the contract's row lock."""
    contract.milestones.update(
        account_id=contract.account_id, billable=contract.status in BILLABLE_STATUSES
    )


def _percent(value: Any) -> Decimal:
    if isinstance(value, (float, bool)):
        raise ValueError
    percent = Decimal(str(value).strip())
    if not percent.is_finite() or not (0 < percent <= HUNDRED):
        raise ValueError
    if percent != percent.quantize(PERCENT_PLACES):
        raise ValueError
    return percent


def _row_clean(number: int, row: dict[str, Any]) -> tuple[PaymentMilestone, Share, list[str]]:
    errors: list[str] = []

    def bad(message: str) -> None:
        errors.append(_("第 %(n)s 个节点：%(why)s") % {"n": number, "why": message})

    kind = row.get("kind") or ""
    if kind not in MilestoneKind.values:
        bad(_("请选择款项类型。"))
    trigger = row.get("trigger") or ""
    if trigger not in MilestoneTrigger.values:
        bad(_("请选择触发条件。"))
    fixed_date = row.get("fixed_date") or None
    if isinstance(fixed_date, str):
        try:
            fixed_date = date.fromisoformat(fixed_date)
        except ValueError:
            bad(_("指定日期无效。"))
            fixed_date = None
    if trigger == MilestoneTrigger.DATE and fixed_date is None:
        bad(_("按指定日期触发时请填写日期。"))
    due_days = row.get("due_days") or 0
    if (
        isinstance(due_days, bool)
        or not isinstance(due_days, int)
        or not (0 <= due_days <= MAX_DUE_DAYS)
    ):
        bad(_("触发后天数应为 0 到 3650。"))
        due_days = 0
    percent, amount = row.get("percent"), row.get("amount")
    if percent in ("", None):
        percent = None
    if amount in ("", None):
        amount = None
    share = Share()
    if (percent is None) == (amount is None):
        bad(_("请填写比例或金额（二选一）。"))
    elif percent is not None:
        try:
            share = Share(percent=_percent(percent))
        except (ValueError, InvalidOperation):
            bad(_("比例应大于 0、不超过 100，最多四位小数。"))
    else:
        try:
            share = Share(amount=money_clean(amount, "amount"))
        except ValidationError as error:
            bad(" ".join(error.messages))
    milestone = PaymentMilestone(
        position=number, kind=kind, name=str(row.get("name") or "").strip()[:100],
        percent=share.percent, trigger=trigger, fixed_date=fixed_date, due_days=due_days,
    )  # fmt: skip
    return milestone, share, errors


def plan_rows_clean(contract: Contract, rows: list[dict[str, Any]]) -> list[PaymentMilestone]:
    """The milestones `rows` describe, with their amounts, or every problem at once (which
    row, which field, and by how much the plan misses the contract amount)."""
    if not rows:
        raise ValidationError({"milestones": [_("回款计划至少需要一个节点。")]})
    if len(rows) > MAX_MILESTONES:
        raise ValidationError({"milestones": [_("回款节点不能超过 24 个。")]})
    cleaned = [_row_clean(n, row) for n, row in enumerate(rows, start=1)]
    errors = [message for _m, _s, row_errors in cleaned for message in row_errors]
    if errors:
        raise ValidationError({"milestones": errors})
    amounts = plan_amounts(contract.amount, [share for _m, share, _e in cleaned])
    difference = plan_difference(contract.amount, amounts)
    if difference != 0:
        raise ValidationError(
            {
                "milestones": [
                    _("回款计划合计 %(sum)s 元，与合同金额 %(total)s 元相差 %(diff)s 元。")
                    % {
                        "sum": f"{contract.amount - difference:,}",
                        "total": f"{contract.amount:,}",
                        "diff": f"{difference:,}",
                    }
                ]
            },
            code="plan_does_not_sum",
        )
    milestones = []
    for (milestone, _share, _errors), amount in zip(cleaned, amounts, strict=True):
        milestone.contract = contract
        milestone.copy_contract()
        milestone.amount = amount
        milestone.due_date = milestone_due_date(milestone, contract)
        milestones.append(milestone)
    return milestones


@transaction.atomic
def payment_plan_replace(
    *, contract: Contract, actor: User, version: int, rows: list[dict[str, Any]]
) -> list[PaymentMilestone]:
    """The contract's plan becomes exactly `rows` — while the contract is a draft. A signed
    contract's plan changes through its approval."""
    if not contract_can_edit(actor, contract):
        raise PermissionDenied(_("只有合同负责人及其上级可以编辑回款计划。"))
    locked = lock_at_version(Contract.objects.all(), pk=contract.pk, version=version)
    if locked.status != ContractStatus.DRAFT:
        raise ValidationError(_("合同已提交或签订，回款计划的变更需要审批。"))
    milestones = plan_rows_clean(locked, rows)
    PaymentMilestone.objects.filter(contract=locked).delete()
    created = PaymentMilestone.objects.bulk_create(milestones)
    checklists_sync(created)
    save_bumped(locked, [])
    contract.version = locked.version
    return created


def payment_plan_reprice(contract: Contract) -> None:
    """After the amount of a draft changes: a plan of percentages is recomputed so it still
    sums; a plan with fixed amounts is left for the owner to correct (the page shows by how
    much it misses)."""
    milestones = list(contract.milestones.order_by("position"))
    if not milestones or any(m.percent is None for m in milestones):
        return
    amounts = plan_amounts(contract.amount, [Share(percent=m.percent) for m in milestones])
    for milestone, amount in zip(milestones, amounts, strict=True):
        milestone.amount = amount
    PaymentMilestone.objects.bulk_update(milestones, ["amount"])


def payment_plan_template_rows(code: str) -> list[dict[str, Any]]:
    """A template's milestones as editable rows (percentages, event triggers)."""
    try:
        template = TEMPLATES[code]
    except KeyError:
        raise ValidationError({"template": [_("未知的回款模板。")]}) from None
    return [
        {"kind": kind, "trigger": trigger, "percent": percent, "due_days": 0}
        for kind, trigger, percent in template
    ]
