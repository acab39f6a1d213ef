"""The gaps list walks only the milestones still owed: on PostgreSQL its query can use the
partial index `milestone_owed_due` only if the index's condition is the list's filter as the
ORM writes it (PostgreSQL proves the one from the other by their form). Otherwise it walks
every milestone due by then, ~46,000 at scale, to fill a rep's page."""

import pytest
from django.db import connection
from django.utils import timezone

from kam.checklists.selectors import gap_candidates, milestones_with_gaps
from tests.checklists.conftest import make_signed, milestone, pay

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner"),
]


def _index_names(plan: dict) -> set[str]:
    names = {plan["Index Name"]} if "Index Name" in plan else set()
    for child in plan.get("Plans", []):
        names |= _index_names(child)
    return names


def test_the_gaps_query_can_walk_the_owed_index(rep, finance):
    for _ in range(3):
        paid = make_signed(rep, [-30, -20, -10, 5])
        for position in (1, 2, 3):
            pay(milestone(paid, position), finance)
    today = timezone.localdate()
    query = milestones_with_gaps(gap_candidates(rep, today, 14)).order_by("due_date")[:50]
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        # A handful of rows: tell the planner that reading the table is out, so it picks
        # among the indexes whose conditions it can prove.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        [[plan]] = cursor.fetchone()
    assert "milestone_owed_due" in _index_names(plan["Plan"])
