"""Coverage of the delivery chain: uncovered roles, opponents, low scores, people gone, and
the account's people suggested for the uncovered roles."""

import pytest

from kam.delivery.enums import DeliveryRole
from kam.delivery.selectors import (
    delivery_chain_for,
    delivery_coverage,
    delivery_suggestions,
    delivery_summary,
)
from tests.delivery.conftest import member, person

pytestmark = pytest.mark.django_db

REQUIRED = ["finance", "supply_chain", "quality", "user_department", "signatory"]


def _coverage(contract):
    return delivery_coverage(delivery_chain_for(contract))


def test_empty_chain_misses_every_required_role(contract):
    coverage = _coverage(contract)
    assert [role.value for role in coverage.uncovered] == REQUIRED
    assert not coverage.opposing and not coverage.low_scores and coverage.signed == 0


def test_covered_roles_opponents_and_low_scores(rep, contract):
    member(contract, person(contract, "财务甲"), rep, "finance")
    against = member(contract, person(contract, "质量乙"), rep, "quality", stance="opponent")
    cold = member(contract, person(contract, "使用丙", price_acceptance=2), rep, "user_department")
    member(contract, person(contract, "监理丁"), rep, "supervisor")
    coverage = _coverage(contract)
    assert [role.value for role in coverage.uncovered] == ["supply_chain", "signatory"]
    assert coverage.opposing == [against]
    assert coverage.low_scores == [cold]
    assert coverage.has_warnings


def test_a_person_who_left_covers_nothing(rep, contract):
    gone = person(contract, "财务甲")
    left = member(contract, gone, rep, "finance", stance="opponent")
    gone.status = "left"
    gone.save(update_fields=["status"])
    coverage = _coverage(contract)
    assert DeliveryRole.FINANCE in coverage.uncovered
    assert coverage.left == [left] and coverage.opposing == []


def test_fully_covered_chain_has_no_warnings(rep, contract):
    for role in REQUIRED:
        member(contract, person(contract, role), rep, role, stance="supporter")
    coverage = _coverage(contract)
    assert coverage.uncovered == [] and not coverage.has_warnings
    assert delivery_suggestions(contract, coverage) == []


def test_suggestions_by_decision_role_or_title(rep, contract):
    by_role = person(contract, "甲", decision_role="finance", title="")
    by_title = person(contract, "乙", title="质检部经理")
    boss = person(contract, "丙", decision_role="decision_maker", title="副总")
    person(contract, "丁", title="信息中心主任")
    person(contract, "戊", title="财务总监", status="left")
    already = person(contract, "己", title="物资部部长")
    member(contract, already, rep, "technical")
    suggested = {
        (s.contact, s.role.value) for s in delivery_suggestions(contract, _coverage(contract))
    }
    assert suggested == {(by_role, "finance"), (by_title, "quality"), (boss, "signatory")}


def test_suggestions_only_for_roles_still_uncovered(rep, contract):
    member(contract, person(contract, "财务甲"), rep, "finance")
    person(contract, "财务乙", decision_role="finance")
    assert delivery_suggestions(contract, _coverage(contract)) == []


def test_summary(rep, contract, django_assert_num_queries):
    member(contract, person(contract, "甲"), rep, "finance", stance="opponent")
    member(contract, person(contract, "乙"), rep, "signatory")
    with django_assert_num_queries(1):
        summary = delivery_summary(contract)
    assert summary.members == 2 and summary.opposing == 1 and summary.signed == 0
    assert [role.value for role in summary.uncovered] == [
        "supply_chain",
        "quality",
        "user_department",
    ]
