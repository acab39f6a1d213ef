"""What logging a visit on the create page costs in queries, posted as the benchmark posts it
(bench/writes.py: every field of the form, the account already placed), and that the cost does
not grow with the rep's accounts, the account's people or the visit's participants."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kam.accounts.enums import AccountStatus
from kam.interactions.forms import DATETIME_LOCAL
from kam.interactions.models import Interaction
from kam.pools.models import Placement
from kam.pools.services.protection import placement_refresh
from tests.conftest import client_for
from tests.factories import AccountFactory, ContactFactory, UserFactory

pytestmark = pytest.mark.django_db

# Session, user (with the reports-to walk), the loggable account, the offered colleagues and
# the account's people; the visit, its two participant lists and its history; the account's
# last activity, its placement (account with placement, deal facts, rules; written only when
# the deadline moves), the contacts' last contact and the search document; and SAVEPOINT,
# RELEASE: the test's transaction nests the service's.
LOG_QUERIES = 18
# A customer's deadline ignores follow-ups: no placement, deal facts or rules are read. With
# no people of theirs taking part, neither are contacts: session, user, account, colleagues;
# the visit, the rep taking part, its history, the last activity, the search document; and the
# SAVEPOINT, RELEASE pair.
LOG_QUERIES_CUSTOMER = 11


def _visit(rep, account, people, colleagues, number):
    occurred = timezone.localtime() - timedelta(minutes=number)
    return {
        "kind": "visit", "occurred_at": occurred.strftime(DATETIME_LOCAL),
        "subject": f"拜访 #{number}", "our_participants": [str(u.pk) for u in [rep, *colleagues]],
        "their_participants": [str(c.pk) for c in people], "content": "拜访客户，介绍方案。",
        "reception_notes": "", "outcome": "", "next_step": "", "next_step_date": "",
        "accompanied_by": "",
    }  # fmt: skip


@pytest.mark.parametrize("rows", [1, 20])
def test_log_visit_queries_do_not_grow_with_rows(
    rep, team_one, rows, django_assert_max_num_queries
):
    accounts = [AccountFactory(owner=rep) for _ in range(rows)]
    account = accounts[0]
    people = [ContactFactory(account=account) for _ in range(rows)]
    colleagues = [UserFactory(team=team_one) for _ in range(rows - 1)]
    for each in accounts:
        placement_refresh(each)
    client = client_for(rep)
    url = f"/interactions/create/?account={account.pk}"
    client.post(url, _visit(rep, account, people, colleagues, 2))  # warms per-process caches

    with django_assert_max_num_queries(LOG_QUERIES):
        response = client.post(url, _visit(rep, account, people, colleagues, 1))

    assert response.status_code == 302
    visit = Interaction.objects.get(subject="拜访 #1")
    assert visit.our_participants.count() == rows and visit.their_participants.count() == rows


def test_a_visit_to_a_customer_leaves_the_pool_alone(rep, django_assert_num_queries):
    account = AccountFactory(owner=rep, status=AccountStatus.ACTIVE)
    placement_refresh(account)
    client = client_for(rep)
    url = f"/interactions/create/?account={account.pk}"
    client.post(url, _visit(rep, account, [], [], 2))  # warms per-process caches

    with django_assert_num_queries(LOG_QUERIES_CUSTOMER):
        response = client.post(url, _visit(rep, account, [], [], 1))

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.last_activity_at is not None
    assert Placement.objects.get(account=account).protected_until is None
