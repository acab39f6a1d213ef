"""Exact money sums in SQL.

SQLite keeps a DecimalField as a binary float, so SUM(amount) there is not exact. Every sum here
is taken over whole fen (integers), which both databases add exactly; the weighted value of one
deal is rounded half-up to the fen in SQL exactly as `kam.opportunities.money.weighted` does in
Python, so a weighted total always equals the sum of the deals' own weighted amounts.
"""

from decimal import Decimal
from typing import Any

from django.db.models import (
    BigIntegerField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce, Round

FEN_PER_YUAN = Decimal(100)


def fen(field: str) -> Combinable:
    """A non-negative Decimal(…, 2) column as an integer number of fen."""
    return Cast(Round(F(field) * Value(100)), BigIntegerField())


def weighted_fen(amount_field: str, probability_field: str) -> Combinable:
    # amount·p/100 half-up: (fen·p + 50) div 100, integer division in both databases; amounts
    # are never negative (a check constraint), so truncation is flooring.
    return ExpressionWrapper(
        (fen(amount_field) * F(probability_field) + Value(50)) / Value(100),
        output_field=BigIntegerField(),
    )


def fen_sum(expression: Combinable, condition: Q) -> Sum:
    return Sum(expression, filter=condition, default=0)


def count_where(condition: Q) -> Count:
    return Count("pk", filter=condition)


def yuan(fen_total: int | None) -> Decimal:
    return (Decimal(fen_total or 0) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def fen_subquery(queryset: QuerySet[Any], key: str, amount: str) -> Coalesce:
    """Per outer row: the fen sum of `amount` over the rows of `queryset` whose `key` is it."""
    total = (
        queryset.filter(**{key: OuterRef("pk")})
        .order_by()
        .values(key)
        .annotate(total=fen_sum(fen(amount), Q()))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))
