"""Line-item arithmetic (SPEC R-OPP-1): exact Decimal, rounded half-up to the fen once per
line, so the opportunity's amount is by construction the sum of its lines."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
HUNDRED = Decimal(100)


def line_amount(quantity: Decimal, unit_price: Decimal, discount_rate: Decimal) -> Decimal:
    gross = quantity * unit_price
    return (gross * (HUNDRED - discount_rate) / HUNDRED).quantize(FEN, rounding=ROUND_HALF_UP)


def lines_total(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, Decimal("0.00")).quantize(FEN)


def weighted(amount: Decimal, probability: int) -> Decimal:
    return (amount * probability / HUNDRED).quantize(FEN, rounding=ROUND_HALF_UP)
