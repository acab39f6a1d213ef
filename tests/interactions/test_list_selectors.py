"""The list's pages check visibility per visit (EXISTS on its account) and find their keys
first; they must page through exactly what the plain visibility rule selects, in order."""

from datetime import UTC, datetime, timedelta

import pytest

from kam.core.views import RECENT_INTERACTION_FIELDS
from kam.interactions.selectors import (
    interaction_list_page,
    interaction_list_slice,
    interactions_recent,
    interactions_visible_to,
)
from tests.factories import AccountFactory, AccountTeamMemberFactory, InteractionFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def visits(rep, other_rep, solution_manager):
    mine = AccountFactory(owner=rep, name="我的客户")
    theirs = AccountFactory(owner=other_rep, name="别人的客户")
    worked_on = AccountFactory(owner=other_rep, name="参与的客户")
    AccountTeamMemberFactory(account=worked_on, user=solution_manager, role="solution")
    pool = AccountFactory(owner=None, name="公海客户")
    accounts = [mine, theirs, worked_on, pool]
    # Equal times on purpose: the key breaks the tie the same way in every form.
    return [
        InteractionFactory(
            account=accounts[n % 4],
            created_by=accounts[n % 4].owner or rep,
            occurred_at=START - timedelta(hours=n // 3),
        )
        for n in range(23)
    ]


@pytest.mark.parametrize(
    "persona", ["rep", "other_rep", "manager", "director", "gm", "solution_manager"]
)
def test_pages_walk_exactly_the_visible_visits_in_order(request, visits, persona):
    user = request.getfixturevalue(persona)
    expected = list(interactions_visible_to(user).order_by("-occurred_at", "-pk"))

    paged = []
    number = 1
    while True:
        page = interaction_list_page(user, number, per_page=5)
        paged += page.object_list
        if not page.has_next:
            break
        number += 1

    assert paged == expected
    assert interaction_list_slice(user, 3, 4) == expected[3:7]
    assert interactions_recent(user, 10, RECENT_INTERACTION_FIELDS) == expected[:10]
    assert interaction_list_page(user, 1, oldest_first=True).object_list == expected[::-1]
