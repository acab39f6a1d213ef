from decimal import Decimal

import pytest

from kam.opportunities.enums import TeamRole
from kam.opportunities.services.opportunities import opportunity_create, opportunity_team_add
from kam.users.enums import Role
from tests.factories import AccountFactory, ProductFactory, UserFactory


@pytest.fixture
def customer(rep):
    return AccountFactory(owner=rep, name="西安智造集团有限公司")


@pytest.fixture
def products(db):
    return [
        ProductFactory(name="工业互联网平台", unit="套", list_price=Decimal("100000.00")),
        ProductFactory(
            name="实施服务", unit="人天", list_price=Decimal("1500.00"), tax_rate=Decimal("0.06")
        ),
    ]


def make_deal(account, actor, products, discounts=("10", "5")):
    """A deal with two lines: 3 × 100,000 and 20 × 1,500, discounted as given."""
    return opportunity_create(
        account=account,
        actor=actor,
        data={"name": "智能工厂二期"},
        lines=[
            {"product": products[0].pk, "quantity": "3", "unit_price": None,
             "discount_rate": discounts[0]},
            {"product": products[1].pk, "quantity": "20", "unit_price": None,
             "discount_rate": discounts[1]},
        ],
    )  # fmt: skip


@pytest.fixture
def deal(customer, rep, products):
    return make_deal(customer, rep, products)


@pytest.fixture
def delivery(team_one, manager):
    return UserFactory(
        username="delivery", display_name="冯交付", role=Role.DELIVERY_MANAGER, team=team_one,
        manager=manager,
    )  # fmt: skip


@pytest.fixture
def deal_team(deal, rep, delivery):
    opportunity_team_add(opportunity=deal, actor=rep, user=delivery, role=TeamRole.DELIVERY_MANAGER)
    return deal


GOOD_REVIEW = {"scope_ok": True, "workload_days": "20", "price_ok": True, "comment": ""}
