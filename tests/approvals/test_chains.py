"""Chain resolution (R-APR-1): rules in order, thresholds, self-skip, dedupe, fallback."""

from decimal import Decimal

import pytest

from kam.approvals.chains import chain_resolve
from kam.approvals.enums import ApproverRule
from kam.approvals.registry import approval_type_get
from kam.users.enums import Role
from tests.approvals.conftest import TEST_TYPE
from tests.factories import ApprovalChainStepFactory, UserFactory

pytestmark = pytest.mark.django_db


def _approvers(requester, amount=None, type_code=TEST_TYPE):
    return [
        s.approver for s in chain_resolve(type_code=type_code, requester=requester, amount=amount)
    ]


def test_default_chain_is_manager_then_director_without_amount(
    test_type, rep, manager, director, gm
):
    steps = chain_resolve(type_code=TEST_TYPE, requester=rep, amount=None)
    assert [s.approver for s in steps] == [manager, director]
    assert [s.rule_label for s in steps] == ["直属上级", "销售总监"]


@pytest.mark.parametrize(
    ("amount", "with_gm"),
    [
        (Decimal("999999.99"), False),
        (Decimal("1000000.00"), True),
        (Decimal("1000000.01"), True),
    ],
)
def test_gm_threshold_below_at_and_above(test_type, rep, manager, director, gm, amount, with_gm):
    expected = [manager, director, gm] if with_gm else [manager, director]
    assert _approvers(rep, amount) == expected


def test_role_is_the_nearest_up_the_chain_before_the_lowest_pk(request, test_type):
    lone_director = UserFactory(username="lone_director", role=Role.SALES_DIRECTOR)
    rep = request.getfixturevalue("rep")
    director = request.getfixturevalue("director")
    assert lone_director.pk < director.pk
    ApprovalChainStepFactory(
        type_code=TEST_TYPE, position=1, rule=ApproverRule.ROLE, role=Role.SALES_DIRECTOR
    )
    assert _approvers(rep) == [director]
    orphan = UserFactory(username="orphan")
    assert _approvers(orphan) == [lone_director]


def test_named_user_rule(test_type, rep, other_manager):
    ApprovalChainStepFactory(
        type_code=TEST_TYPE, position=1, rule=ApproverRule.NAMED_USER, user=other_manager
    )
    assert _approvers(rep) == [other_manager]


def test_configured_rows_replace_the_default_chain_and_thresholds_use_decimal(
    test_type, rep, manager, finance
):
    ApprovalChainStepFactory(type_code=TEST_TYPE, position=1, rule=ApproverRule.REQUESTER_MANAGER)
    ApprovalChainStepFactory(
        type_code=TEST_TYPE,
        position=2,
        rule=ApproverRule.ROLE,
        role=Role.FINANCE,
        min_amount=Decimal("50000.00"),
    )
    assert _approvers(rep, Decimal("49999.99")) == [manager]
    assert _approvers(rep, Decimal("50000.00")) == [manager, finance]
    assert _approvers(rep, None) == [manager]


def test_the_requester_is_skipped_and_consecutive_duplicates_collapse(test_type, director, gm):
    # The director's manager is the GM; the director rule finds only the director themself.
    assert _approvers(director, Decimal("2000000")) == [gm]


def test_manager_requesting_gets_director_once(test_type, manager, director):
    # Manager rule → director; director rule → director again: one step.
    assert _approvers(manager) == [director]


def test_inactive_approvers_are_dropped(test_type, rep, manager, director):
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    rep.refresh_from_db()
    assert _approvers(rep) == [director]


def test_nothing_left_falls_back_to_the_gm_then_a_superuser(test_type, gm):
    orphan = UserFactory(username="orphan2")
    ApprovalChainStepFactory(type_code=TEST_TYPE, position=1, rule=ApproverRule.REQUESTER_MANAGER)
    steps = chain_resolve(type_code=TEST_TYPE, requester=orphan, amount=None)
    assert [s.approver for s in steps] == [gm]
    assert "总经理" in steps[0].rule_label
    gm.is_active = False
    gm.save(update_fields=["is_active"])
    root = UserFactory(username="root", is_superuser=True)
    assert _approvers(orphan) == [root]


def test_catalogue_types_are_registered_with_default_chains():
    for code in ["initiation", "discount", "bid", "presales_request"]:
        chain = approval_type_get(code).default_chain
        assert chain[-1].role == Role.GENERAL_MANAGER
        assert chain[-1].min_amount == Decimal("1000000")
    assert approval_type_get("account_core_change").apply is not None
    with pytest.raises(ValueError, match="unknown approval type"):
        approval_type_get("nope")
