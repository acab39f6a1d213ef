"""What the pool page's claim button costs in queries, posted as the benchmark posts it
(bench/writes.py: htmx, limits lifted, the account already placed), and that the cost does not
grow with what the rep, their colleagues or the pool hold."""

import pytest
from django.db import connection
from django.urls import reverse

from kam.pools.models import Pool
from tests.conftest import client_for
from tests.pools.conftest import held, pooled

pytestmark = pytest.mark.django_db

# Session, user (with the reports-to walk and their team); a lock on the user (PostgreSQL only:
# SQLite's BEGIN IMMEDIATE serialises writes already); the account, locked if the claimer sees
# it, with its deals' facts; its placement, locked, with its pool, whether the pool's teams
# bar the claimer's and the grade's rules; the holding and daily counts and the lockout (one
# query); the account update, its audit, owner change and pool event; the event's search
# document (written from the event in hand) and the placement; and SAVEPOINT, RELEASE: the
# test's transaction nests the service's.
CLAIM_QUERIES = {"sqlite": 13, "postgresql": 14}


def _claim(client, account):
    return client.post(reverse("pools:claim", args=[account.pk]), HTTP_HX_REQUEST="true")


@pytest.mark.parametrize("rows", [1, 20])
def test_claim_queries_do_not_grow_with_rows(
    pool, rep, other_rep, rows, django_assert_max_num_queries
):
    Pool.objects.filter(pk=pool.pk).update(
        max_owned=1_000, max_claims_per_day=1_000, reclaim_lockout_days=15
    )
    for days_ago in range(rows):
        held(rep, days_ago=days_ago)
        held(other_rep, days_ago=days_ago)
        pooled()
    client = client_for(rep)
    _claim(client, pooled())  # warms the per-process caches (content types) as a server has
    account = pooled()

    with django_assert_max_num_queries(CLAIM_QUERIES[connection.vendor]):
        response = _claim(client, account)

    assert 'data-testid="claim-ok"' in response.content.decode()
    account.refresh_from_db()
    assert account.owner == rep
