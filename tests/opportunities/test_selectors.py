"""Opportunity reads start from the visibility layer (R-SEC-1)."""

from decimal import Decimal

import pytest
from django.http import Http404

from kam.opportunities.selectors import (
    opportunities_filtered,
    opportunities_for_account,
    opportunities_totals,
    opportunities_visible_to,
    opportunity_get_visible,
)
from kam.opportunities.services.opportunities import opportunity_create
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deals(rep, other_rep, rep_account, gated_process, product):
    process, _stages = gated_process

    def make(actor, account, quantity):
        return opportunity_create(
            account=account, actor=actor, process=process, data={"name": "项目"},
            lines=[{"product": product.pk, "quantity": quantity, "unit_price": "0.33"}],
        )  # fmt: skip

    return {
        "mine": make(rep, rep_account, "1"),
        "mine2": make(rep, rep_account, "2"),
        "theirs": make(other_rep, AccountFactory(owner=other_rep), "3"),
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("rep", {"mine", "mine2"}),
        ("manager", {"mine", "mine2"}),
        ("colleague", set()),
        ("other_rep", {"theirs"}),
        ("other_manager", {"theirs"}),
        ("director", {"mine", "mine2", "theirs"}),
        ("gm", {"mine", "mine2", "theirs"}),
        ("admin_user", {"mine", "mine2", "theirs"}),
    ],
)
def test_visible_set_per_persona(request, deals, persona, expected):
    user = request.getfixturevalue(persona)
    names = {key for key, deal in deals.items() if deal in opportunities_visible_to(user)}
    assert names == expected


def test_get_visible_is_404_for_others(other_rep, deals):
    with pytest.raises(Http404):
        opportunity_get_visible(other_rep, deals["mine"].pk)


def test_totals_are_decimal_over_the_filtered_set(rep, deals):
    totals = opportunities_totals(opportunities_filtered(rep, {}))
    assert totals.amount == Decimal("0.99")  # 0.33 + 0.66
    assert isinstance(totals.amount, Decimal) and isinstance(totals.weighted, Decimal)
    assert totals.weighted == Decimal("0.10")  # 0.099 rounded half-up once


def test_account_short_list_follows_visibility(rep, other_rep, deals):
    account = deals["mine"].account
    assert len(opportunities_for_account(rep, account)) == 2
    assert opportunities_for_account(other_rep, account) == []
