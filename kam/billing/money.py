"""VAT arithmetic, exact to the fen: the part without tax is rounded half-up and the tax is what
remains, so the two parts always add up to the invoiced amount."""

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
HUNDRED = Decimal(100)


def tax_split(amount_with_tax: Decimal, rate: Decimal) -> tuple[Decimal, Decimal]:
    without = (amount_with_tax / (1 + rate / HUNDRED)).quantize(FEN, rounding=ROUND_HALF_UP)
    return without, amount_with_tax - without
