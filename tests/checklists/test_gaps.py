"""The gaps selector: which milestones, which items, whose, and in how many queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kam.checklists.models import ChecklistItem
from kam.checklists.selectors import checklist_gaps, contract_summary
from kam.checklists.services import checklist_evidence_add, checklist_item_tick
from kam.contracts.enums import MilestoneKind
from tests.checklists.conftest import make_signed, milestone, pay, pdf

pytestmark = pytest.mark.django_db


def test_gaps_list_owed_milestones_due_within_the_window_or_overdue(rep, finance):
    today = timezone.localdate()
    contract = make_signed(rep, [-3, 5, 20, None])
    rows = checklist_gaps(rep, today, 14)
    assert [row.milestone.position for row in rows] == [1, 2]
    assert rows[0].money.days_overdue == 3
    assert [row.milestone.position for row in checklist_gaps(rep, today, 30)] == [1, 2, 3]
    pay(milestone(contract, 1), finance)
    assert [row.milestone.position for row in checklist_gaps(rep, today, 14)] == [2]


def test_missing_items_and_lead_days(rep):
    today = timezone.localdate()
    contract = make_signed(rep, [2], kinds=[MilestoneKind.DELIVERY])
    [row] = checklist_gaps(rep, today, 7)
    missing = {r.item.label: r for r in row.missing}
    # Due in 2 days: a 3-day lead item is already late, a 7-day one too; all are missing.
    assert missing["到货签收单"].late and missing["到货签收单"].missing_evidence
    assert missing["到货清点"].lead_on == today + timedelta(days=-1)
    # Late items come first.
    assert row.missing[0].late
    for item in ChecklistItem.objects.filter(milestone=milestone(contract)):
        checklist_item_tick(item=item, actor=rep)
    [row] = checklist_gaps(rep, today, 7)
    assert [r.item.label for r in row.missing] == ["到货签收单"]
    checklist_evidence_add(item=row.missing[0].item, actor=rep, upload=pdf())
    assert checklist_gaps(rep, today, 7) == []


def test_a_rep_never_sees_another_reps_gaps(rep, other_rep, manager, director, finance):
    today = timezone.localdate()
    mine = make_signed(rep, [5])
    theirs = make_signed(other_rep, [5])
    assert {r.contract.pk for r in checklist_gaps(rep, today, 14)} == {mine.pk}
    assert {r.contract.pk for r in checklist_gaps(other_rep, today, 14)} == {theirs.pk}
    assert {r.contract.pk for r in checklist_gaps(manager, today, 14)} == {mine.pk}
    assert {r.contract.pk for r in checklist_gaps(director, today, 14)} == {mine.pk, theirs.pk}
    assert {r.contract.pk for r in checklist_gaps(finance, today, 14)} == {mine.pk, theirs.pk}
    only_rep = checklist_gaps(director, today, 14, owner_id=rep.pk)
    assert {r.contract.pk for r in only_rep} == {mine.pk}


def _queries_for(user, contracts: int, django_assert_num_queries, count: int) -> None:
    today = timezone.localdate()
    for index in range(contracts):
        make_signed(user, [-1, 3], name=f"合同{index}")
    with django_assert_num_queries(count):
        rows = checklist_gaps(user, today, 14)
        assert len(rows) == 2 * contracts
        assert all(row.contract.account.name and row.contract.owner for row in rows)


@pytest.mark.parametrize("contracts", [1, 3])
def test_the_query_count_does_not_grow_with_rows(contracts, rep, django_assert_num_queries):
    # The user's subordinates (for visibility), the rows, their items and their evidence:
    # it only reads.
    _queries_for(rep, contracts, django_assert_num_queries, 4)


def test_the_contract_summary_counts_per_category(rep):
    contract = make_signed(rep, [5], kinds=[MilestoneKind.DELIVERY])
    item = ChecklistItem.objects.get(label="到货清点")
    checklist_item_tick(item=item, actor=rep)
    summary = contract_summary(contract, timezone.localdate())
    counts = {c.category: (c.done, c.total) for c in summary.counts}
    assert counts["li"][0] == 1 and counts["li"][1] >= 2
    assert summary.missing_soon == summary.total - 1
