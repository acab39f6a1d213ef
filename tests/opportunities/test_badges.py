"""Badges come from one prepared query per shape of id list: what each source makes of its own
values, for any number of deals, in one query."""

from decimal import Decimal

import pytest
from django.db.models import Exists, F, OuterRef

from kam.opportunities import panels
from kam.opportunities.models import Opportunity
from kam.opportunities.panels import Badge, BadgeSource, badges_for
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

BIG = Decimal("100.00")


def _sources() -> dict[str, BadgeSource]:
    """Two sources, each with a subquery or a converted value, one reading a value named as the
    other's (their columns must not mix)."""
    big = Exists(Opportunity.objects.filter(pk=OuterRef("pk"), amount__gt=BIG))
    return {
        "b_amount": BadgeSource(
            annotations=lambda: {"value": F("amount")},
            badges=lambda values: [Badge(f"{values['value']:.2f}")],
        ),
        "a_name": BadgeSource(
            annotations=lambda: {"value": F("name"), "big": big},
            badges=lambda values: [Badge(values["value"], "bad" if values["big"] else "")],
        ),
    }


def _expected(deal: Opportunity) -> list[Badge]:
    # Sources in the order of their keys: a_name before b_amount.
    return [Badge(deal.name, "bad" if deal.amount > BIG else ""), Badge(f"{deal.amount:.2f}")]


@pytest.mark.parametrize("count", [1, 3, 4, 5])
def test_each_deal_gets_its_own_sources_badges(monkeypatch, count, django_assert_num_queries):
    monkeypatch.setattr(panels, "_BADGE_SOURCES", _sources())
    deals = [
        OpportunityFactory(name=f"项目{n}", amount=Decimal("60.50") * (n + 1)) for n in range(6)
    ]
    chosen = deals[-count:]
    badges_for([chosen[0].pk])  # prepares the one-id shape outside the count

    with django_assert_num_queries(1):
        badges = badges_for([deal.pk for deal in chosen])

    assert badges == {deal.pk: _expected(deal) for deal in chosen}


def test_no_ids_no_query(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(panels, "_BADGE_SOURCES", _sources())
    with django_assert_num_queries(0):
        assert badges_for([]) == {}
