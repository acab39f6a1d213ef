"""Quote arithmetic, exact Decimal: each line is rounded half-up to the fen once, the version's
totals are the plain sums of its lines, and the discount total is list minus net — so the parts
always add up to the whole on the page, in the PDF and in the contract built from it.

Prices are net of VAT (不含税); tax is the line's net amount times the product's tax rate.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kam.opportunities.money import FEN, HUNDRED, line_amount, lines_total

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LineFigures:
    list_amount: Decimal
    net_amount: Decimal
    tax_amount: Decimal


@dataclass(frozen=True)
class Totals:
    list_total: Decimal
    discount_total: Decimal
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal
    overall_discount_rate: Decimal


def line_figures(
    quantity: Decimal, unit_price: Decimal, discount_rate: Decimal, tax_rate: Decimal
) -> LineFigures:
    net = line_amount(quantity, unit_price, discount_rate)
    return LineFigures(
        list_amount=(quantity * unit_price).quantize(FEN, rounding=ROUND_HALF_UP),
        net_amount=net,
        tax_amount=(net * tax_rate).quantize(FEN, rounding=ROUND_HALF_UP),
    )


def discount_rate(list_total: Decimal, net_total: Decimal) -> Decimal:
    """(list − net) / list in percent, to two places; 0 for a quote worth nothing at list."""
    if list_total <= 0:
        return ZERO
    return ((list_total - net_total) * HUNDRED / list_total).quantize(FEN, rounding=ROUND_HALF_UP)


def totals(lines: Iterable[LineFigures]) -> Totals:
    rows = list(lines)
    list_total = lines_total(row.list_amount for row in rows)
    net_total = lines_total(row.net_amount for row in rows)
    tax_total = lines_total(row.tax_amount for row in rows)
    return Totals(
        list_total=list_total,
        discount_total=list_total - net_total,
        net_total=net_total,
        tax_total=tax_total,
        gross_total=net_total + tax_total,
        overall_discount_rate=discount_rate(list_total, net_total),
    )
