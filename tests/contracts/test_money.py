"""Payment-plan arithmetic (R-COL-2): exact to the fen, and a plan of percentages always sums."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from kam.contracts.money import Share, money_clean, plan_amounts, plan_difference

D = Decimal


@pytest.mark.parametrize(
    ("total", "percents", "expected"),
    [
        ("100.00", ["33.3333", "33.3333", "33.3334"], ["33.33", "33.33", "33.34"]),
        (
            "1000000.00",
            ["30", "40", "25", "5"],
            ["300000.00", "400000.00", "250000.00", "50000.00"],
        ),
        ("0.03", ["50", "50"], ["0.02", "0.01"]),
        ("99999.99", ["30", "40", "25", "5"], ["30000.00", "40000.00", "25000.00", "4999.99"]),
    ],
)
def test_percentages_round_half_up_and_the_last_takes_the_remainder(total, percents, expected):
    amounts = plan_amounts(D(total), [Share(percent=D(p)) for p in percents])
    assert amounts == [D(e) for e in expected]
    assert sum(amounts) == D(total)


def test_amounts_are_kept_and_the_difference_is_reported():
    amounts = plan_amounts(D("100.00"), [Share(amount=D("60")), Share(percent=D("30"))])
    assert amounts == [D("60.00"), D("30.00")]
    assert plan_difference(D("100.00"), amounts) == D("10.00")


def test_a_share_is_one_or_the_other():
    with pytest.raises(ValueError, match="not both"):
        plan_amounts(D("1"), [Share()])


@pytest.mark.parametrize("bad", [1.5, "abc", "-1", "0", "1.001", True])
def test_money_clean_refuses_floats_and_nonsense(bad):
    with pytest.raises(ValidationError):
        money_clean(bad, "amount")


cents = st.integers(min_value=1, max_value=10**12).map(lambda c: D(c) / 100)


@settings(deadline=None)
@given(total=cents, cuts=st.lists(st.integers(min_value=1, max_value=9999), min_size=1, max_size=8))
def test_any_percentage_plan_sums_exactly_to_the_contract(total, cuts):
    # Percentages with four decimals adding up to exactly 100.
    weights = [D(c) for c in cuts]
    percents = [(w * 100 / sum(weights)).quantize(D("0.0001")) for w in weights]
    percents[-1] = D(100) - sum(percents[:-1])
    if percents[-1] <= 0:
        return
    amounts = plan_amounts(total, [Share(percent=p) for p in percents])
    assert sum(amounts) == total
    assert all(a == a.quantize(D("0.01")) for a in amounts)
