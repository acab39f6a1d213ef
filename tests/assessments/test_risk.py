"""The deal-risk formula (pure) and its batched selector."""

import pytest
from django.db.models import BooleanField, ExpressionWrapper, Q

from kam.assessments.risk import (
    DealFacts,
    Person,
    coverage,
    deal_risks,
    delivery_review_source_register,
    person_weight,
    red_flags,
    risk_level,
)
from kam.opportunities.models import OpportunityTeamMember
from tests.factories import ContactFactory, DealContactFactory, OpportunityFactory


def person(role="", influence="medium", attitude="neutral", c=3, s=3, p=3) -> Person:
    return Person(role, influence, attitude, c, s, p)


def facts(**changes) -> DealFacts:
    base = {
        "people": [person("decision_maker", "high", "supporter", 4, 4, 4)],
        "best_guide_level": 2,
        "stage_code": "solution",
        "stage_order": 2,
        "bid_stage_order": 3,
        "has_delivery_manager": True,
        "delivery_reviewed": None,
    }
    return DealFacts(**{**base, **changes})


@pytest.mark.parametrize(
    ("role", "influence", "weight"),
    [
        ("decision_maker", "high", 15),
        ("technical", "high", 12),
        ("user", "medium", 6),
        ("procurement", "low", 2),
        ("finance", "medium", 4),
        ("quality", "high", 3),
        ("", "", 1),
    ],
)
def test_person_weight(role, influence, weight):
    assert person_weight(role, influence) == weight


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        ([], 0),
        # One decision maker at 5/5/5 is full coverage; at 1/1/1 none.
        ([person("decision_maker", "high", c=5, s=5, p=5)], 100),
        ([person("decision_maker", "high", c=1, s=1, p=1)], 0),
        # 3/3/3 → score 6 of 12 → 50.
        ([person("decision_maker", "medium")], 50),
        # DM high 15 × 12 + user low 3 × 0 → 180 / (12 × 18) = 83.33 → 83.
        (
            [
                person("decision_maker", "high", c=5, s=5, p=5),
                person("user", "low", c=1, s=1, p=1),
            ],
            83,
        ),
        # No decision maker: an absent one (weight 15, score 0) joins the denominator.
        # user medium 6 × 12 = 72 / (12 × 21) = 28.57 → 29.
        ([person("user", "medium", c=5, s=5, p=5)], 29),
        # Half-up: technical high 12 × 3 = 36, DM low 5 × 0 → 36 / (12 × 17) = 17.647 → 18.
        (
            [
                person("technical", "high", c=2, s=2, p=2),
                person("decision_maker", "low", c=1, s=1, p=1),
            ],
            18,
        ),
    ],
)
def test_coverage(people, expected):
    assert coverage(people) == expected
    assert isinstance(coverage(people), int)


@pytest.mark.parametrize(
    ("cover", "codes", "level"),
    [
        (80, [], "low"),
        (70, [], "low"),
        (69, [], "medium"),
        (80, ["no_guide"], "medium"),
        (39, [], "high"),
        (90, ["decision_maker_unknown"], "high"),
        (90, ["decision_maker_opposed"], "high"),
        (90, ["no_guide", "no_guide_level_2", "no_delivery_review"], "high"),
    ],
)
def test_risk_level(cover, codes, level):
    from kam.assessments.risk import RedFlag

    assert risk_level(cover, [RedFlag(code, code) for code in codes]) == level


def codes(deal: DealFacts) -> set[str]:
    return {flag.code for flag in red_flags(deal)}


def test_no_flags_for_a_healthy_deal():
    assert codes(facts()) == set()


@pytest.mark.parametrize(
    ("changes", "flag", "raised"),
    [
        ({"people": [person("user")]}, "decision_maker_unknown", True),
        ({"people": []}, "decision_maker_unknown", True),
        (
            {"people": [person("decision_maker", attitude="opponent")]},
            "decision_maker_opposed",
            True,
        ),
        (
            {"people": [person("decision_maker", attitude="neutral")]},
            "decision_maker_opposed",
            False,
        ),
        ({"best_guide_level": 0}, "no_guide", True),
        ({"best_guide_level": 1}, "no_guide", False),
        # Before the bid stage a level-1 guide is enough …
        ({"best_guide_level": 1, "stage_order": 2}, "no_guide_level_2", False),
        # … at or past it (by order, whatever the stage is called) it is not.
        ({"best_guide_level": 1, "stage_order": 3}, "no_guide_level_2", True),
        ({"best_guide_level": 1, "stage_order": 4}, "no_guide_level_2", True),
        ({"best_guide_level": 2, "stage_order": 4}, "no_guide_level_2", False),
        (
            {"best_guide_level": 1, "stage_order": 9, "bid_stage_order": None},
            "no_guide_level_2",
            False,
        ),
        (
            {"stage_code": "negotiate", "people": [person("decision_maker", p=2)]},
            "price_not_accepted",
            True,
        ),
        (
            {
                "stage_code": "negotiate",
                "people": [person("decision_maker", p=4), person("procurement", p=1)],
            },
            "price_not_accepted",
            True,
        ),
        (
            {
                "stage_code": "negotiate",
                "people": [person("decision_maker", p=3), person("user", p=1)],
            },
            "price_not_accepted",
            False,
        ),
        (
            {"stage_code": "bid", "people": [person("decision_maker", p=1)]},
            "price_not_accepted",
            False,
        ),
        ({"has_delivery_manager": False}, "no_delivery_review", True),
        ({"has_delivery_manager": True, "delivery_reviewed": False}, "no_delivery_review", True),
        ({"has_delivery_manager": True, "delivery_reviewed": True}, "no_delivery_review", False),
    ],
)
def test_each_red_flag(changes, flag, raised):
    assert (flag in codes(facts(**changes))) is raised


def test_flags_carry_chinese_labels():
    flags = red_flags(facts(people=[], best_guide_level=0))
    assert {f.code: f.label for f in flags}["no_guide"] == "没有向导"
    assert flags[0].as_dict() == {"code": "decision_maker_unknown", "label": "决策者不明"}


# ---- the batched selector ---------------------------------------------------------------------


def _deal(account, stage, *, guide=2, dm_price=4):
    opportunity = OpportunityFactory(account=account, stage=stage, process=stage.process)
    ContactFactory(account=account, guide_level=guide)
    DealContactFactory(
        opportunity=opportunity,
        contact=ContactFactory(account=account, closeness=4),
        role_in_deal="decision_maker",
        influence="high",
        attitude="supporter",
        solution_acceptance=4,
        price_acceptance=dm_price,
    )
    OpportunityTeamMember.objects.create(
        opportunity=opportunity, user=opportunity.owner, role="delivery_manager"
    )
    return opportunity


def test_deal_risks_reads_the_database(rep_account, stages):
    healthy = _deal(rep_account, stages["solution"])
    risks = deal_risks([healthy.pk])
    assert risks[healthy.pk].flags == []
    # (4 + 4 + 4 − 3) / 12 = 75
    assert risks[healthy.pk].coverage == 75
    assert risks[healthy.pk].level == "low"


def test_deal_risks_ignores_people_who_left(rep_account, stages):
    opportunity = _deal(rep_account, stages["solution"])
    opportunity.deal_contacts.get().contact.__class__.objects.filter(
        deal_roles__opportunity=opportunity
    ).update(status="left")
    risk = deal_risks([opportunity.pk])[opportunity.pk]
    assert "decision_maker_unknown" in {f.code for f in risk.flags}
    assert risk.coverage == 0


def test_deal_risks_flags_from_the_database(rep, stages):
    from tests.factories import AccountFactory

    account = AccountFactory(owner=rep)
    at_negotiation = _deal(account, stages["negotiate"], guide=1, dm_price=2)
    risk = deal_risks([at_negotiation.pk])[at_negotiation.pk]
    assert {f.code for f in risk.flags} == {"no_guide_level_2", "price_not_accepted"}
    assert risk.level == "medium"


def test_deal_risks_uses_a_constant_number_of_queries(
    rep_account, stages, django_assert_num_queries
):
    one = [_deal(rep_account, stages["bid"]).pk]
    ten = one + [_deal(rep_account, stages["bid"]).pk for _ in range(9)]
    with django_assert_num_queries(5):
        assert len(deal_risks(one)) == 1
    with django_assert_num_queries(5):
        assert len(deal_risks(ten)) == 10
    with django_assert_num_queries(0):
        assert deal_risks([]) == {}


def test_delivery_review_source(rep_account, stages, django_assert_num_queries):
    reviewed = _deal(rep_account, stages["solution"])
    pending = _deal(rep_account, stages["solution"])
    delivery_review_source_register(
        "test", lambda: ExpressionWrapper(Q(pk=reviewed.pk), output_field=BooleanField())
    )
    with django_assert_num_queries(6):
        risks = deal_risks([reviewed.pk, pending.pk])
    assert risks[reviewed.pk].flags == []
    assert [f.code for f in risks[pending.pk].flags] == ["no_delivery_review"]
