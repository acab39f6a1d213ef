"""Payment-plan arithmetic (SPEC R-COL-2), exact to the fen.

A milestone is either a fixed amount or a percentage of the contract. Percentages are rounded
half-up to the fen; when the whole plan is percentages adding up to 100, the last milestone
takes the remainder, so 100.00 in three equal parts is 33.33 / 33.33 / 33.34 and the plan always
sums to the contract. Any other plan must add up by itself: the difference is shown while
editing and a plan that does not sum is refused.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FEN = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Share:
    """One milestone's share of the contract: exactly one of the two is set."""

    percent: Decimal | None = None
    amount: Decimal | None = None


def percent_of(total: Decimal, percent: Decimal) -> Decimal:
    return (total * percent / HUNDRED).quantize(FEN, rounding=ROUND_HALF_UP)


def plan_amounts(total: Decimal, shares: Sequence[Share]) -> list[Decimal]:
    amounts: list[Decimal] = []
    percents: list[Decimal] = []
    for share in shares:
        if (share.amount is None) == (share.percent is None):
            raise ValueError("a share is a percentage or an amount, not both or neither")
        if share.percent is not None:
            percents.append(share.percent)
            amounts.append(percent_of(total, share.percent))
        else:
            amounts.append(share.amount.quantize(FEN))  # type: ignore[union-attr]
    if shares and len(percents) == len(shares) and sum(percents) == HUNDRED:
        amounts[-1] = total.quantize(FEN) - sum(amounts[:-1], Decimal("0.00"))
    return amounts


def plan_difference(total: Decimal, amounts: Sequence[Decimal]) -> Decimal:
    """What the plan still lacks (positive) or has too much (negative)."""
    return total.quantize(FEN) - sum(amounts, Decimal("0.00"))


# The usual plan of a key-account project: 30% down, 40% on delivery, 25% on acceptance and a
# 5% warranty retention due when the warranty ends (R-COL-2).
TEMPLATES: dict[str, tuple[tuple[str, str, Decimal], ...]] = {
    "30/40/25/5": (
        ("down_payment", "signing", Decimal(30)),
        ("delivery", "delivery", Decimal(40)),
        ("acceptance", "acceptance", Decimal(25)),
        ("warranty", "warranty_end", Decimal(5)),
    ),
    "30/60/10": (
        ("down_payment", "signing", Decimal(30)),
        ("acceptance", "acceptance", Decimal(60)),
        ("warranty", "warranty_end", Decimal(10)),
    ),
    "100": (("acceptance", "acceptance", Decimal(100)),),
}


def money_clean(value: Any, field: str) -> Decimal:
    """A positive amount to the fen, given as a Decimal or a string — never a float."""
    if isinstance(value, (float, bool)):
        raise ValidationError({field: [_("金额请用字符串或精确小数传递，不接受浮点数。")]})
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("请输入有效的金额。")]}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: [_("金额必须大于 0。")]})
    if amount != amount.quantize(FEN):
        raise ValidationError({field: [_("金额最多精确到分（两位小数）。")]})
    if amount >= Decimal("1e14"):
        raise ValidationError({field: [_("金额过大。")]})
    return amount.quantize(FEN)
