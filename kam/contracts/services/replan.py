"""Replacing a signed contract's payment plan without losing its money.

Invoices and allocations point at milestone rows (and protect them), and checklists and the
delivery chain hang off them too. So a changed plan is written position by position onto the
rows that exist: a milestone keeps its row (and everything attached) while its terms change;
rows past the new plan's end go; new positions get new rows. A milestone that already carries
invoiced or received money may neither go, nor change its kind, nor drop below that money —
checked when the change is asked for, and again inside the final approver's transaction, since
money may arrive in between.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kam.checklists.sync import checklists_sync
from kam.contracts.models import Contract, PaymentMilestone
from kam.core.aggregates import yuan

TERMS = ("kind", "name", "percent", "amount", "trigger", "fixed_date", "due_days", "due_date")


def _committed(contract: Contract) -> dict[int, tuple[str, Decimal]]:
    """Position → (kind, the larger of the milestone's invoiced and received money)."""
    milestones = PaymentMilestone.objects.filter(contract=contract)
    return {m.position: (m.kind, yuan(max(m.invoiced_fen, m.allocated_fen))) for m in milestones}


def plan_change_check(contract: Contract, new: list[PaymentMilestone]) -> None:
    errors = []
    for position, (kind, money) in sorted(_committed(contract).items()):
        if money <= 0:
            continue
        if position > len(new):
            errors.append(
                _("第 %(n)s 个节点已开票或回款 %(money)s 元，不能删除。")
                % {"n": position, "money": f"{money:,}"}
            )
        elif new[position - 1].kind != kind:
            errors.append(
                _("第 %(n)s 个节点已开票或回款 %(money)s 元，款项类型不能改变。")
                % {"n": position, "money": f"{money:,}"}
            )
        elif new[position - 1].amount < money:
            errors.append(
                _("第 %(n)s 个节点已开票或回款 %(money)s 元，金额不能低于此数。")
                % {"n": position, "money": f"{money:,}"}
            )
    if errors:
        raise ValidationError({"milestones": errors})


def plan_change_write(contract: Contract, new: list[PaymentMilestone]) -> None:
    """Write `new` (from `plan_rows_clean`, positions 1…n) onto the contract's rows. The caller
    holds the contract's row lock."""
    plan_change_check(contract, new)
    PaymentMilestone.objects.filter(contract=contract, position__gt=len(new)).delete()
    existing = {m.position: m for m in PaymentMilestone.objects.filter(contract=contract)}
    changed, created = [], []
    for milestone in new:
        row = existing.get(milestone.position)
        if row is None:
            created.append(milestone)
            continue
        for field in TERMS:
            setattr(row, field, getattr(milestone, field))
        changed.append(row)
    PaymentMilestone.objects.bulk_update(changed, list(TERMS))
    PaymentMilestone.objects.bulk_create(created)
    # A position whose kind changed swaps its untouched items for the new kind's.
    checklists_sync([*changed, *created])
