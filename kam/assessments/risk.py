"""Deal risk from the deal's decision chain (SPEC R-CON-2, "deal risk from the decision chain").

Coverage (0–100, an integer)
    Each person p in the deal's chain (people who have left the account are ignored) carries
        weight(p) = influence weight × role weight
            influence: high 3, medium 2, low 1 (unset counts as low)
            role: decision maker 5, technical 4, user 3, procurement / finance 2, anyone else 1
        score(p)  = closeness (from the account-level Contact)
                  + solution acceptance + price acceptance (from the DealContact) − 3
    so score(p) runs from 0 (all three at 1) to 12 (all three at 5).

        coverage = round_half_up(100 × Σ weight(p) × score(p) / (12 × Σ weight(p)))

    A deal with no decision maker in its chain counts one absent decision maker of high
    influence (weight 15, score 0): an unknown decision maker is the biggest gap a chain can
    have, and leaving them out would let three friendly users look like full coverage.
    An empty chain has coverage 0. Integer math only; rounding is half-up.

Red flags (each a code and a Chinese label, see `RedFlagCode`)
    decision_maker_unknown  no person with role decision maker in the deal's chain
    decision_maker_opposed  a decision maker in the chain whose attitude is opponent
    no_guide                no person of the account (not left) with guide level ≥ 1
    no_guide_level_2        the deal is at or past the process's bid stage (code "bid" or
                            "tender", compared by stage order) and no guide of level ≥ 2
    price_not_accepted      the deal is in the stage coded "negotiate" and a decision maker or
                            procurement person in the chain has price acceptance ≤ 2
    no_delivery_review      no team member with role delivery manager, or — when another app
                            registered a delivery-review source — no review recorded there

Risk level
    high    coverage < 40, or the decision maker is unknown or opposed, or ≥ 3 red flags
    medium  coverage < 70, or any red flag
    low     otherwise
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import BooleanField, Expression, ExpressionWrapper, Max, Q
from django.db.models.expressions import Combinable

from kam.assessments.enums import RedFlagCode, RiskLevel
from kam.contacts.enums import Attitude, ContactStatus, DecisionRole, Influence

INFLUENCE_WEIGHTS: dict[str, int] = {Influence.HIGH: 3, Influence.MEDIUM: 2, Influence.LOW: 1}
ROLE_WEIGHTS: dict[str, int] = {
    DecisionRole.DECISION_MAKER: 5,
    DecisionRole.TECHNICAL: 4,
    DecisionRole.USER: 3,
    DecisionRole.PROCUREMENT: 2,
    DecisionRole.FINANCE: 2,
}
OTHER_ROLE_WEIGHT = 1
MAX_PERSON_SCORE = 12
ABSENT_DECISION_MAKER_WEIGHT = 5 * 3
BID_STAGE_CODES = ("bid", "tender")
NEGOTIATE_STAGE_CODE = "negotiate"
LOW_PRICE_ACCEPTANCE = 2
PRICE_ROLES = frozenset({DecisionRole.DECISION_MAKER, DecisionRole.PROCUREMENT})
HIGH_RISK_BELOW = 40
MEDIUM_RISK_BELOW = 70
CRITICAL_FLAGS = frozenset({RedFlagCode.DECISION_MAKER_UNKNOWN, RedFlagCode.DECISION_MAKER_OPPOSED})


@dataclass(frozen=True)
class Person:
    role: str
    influence: str
    attitude: str
    closeness: int
    solution_acceptance: int
    price_acceptance: int


@dataclass(frozen=True)
class DealFacts:
    """Everything the formula reads about one deal, gathered by `deal_risks`."""

    people: Sequence[Person]
    best_guide_level: int
    stage_code: str
    stage_order: int
    bid_stage_order: int | None
    has_delivery_manager: bool
    # None when no app provides delivery reviews; then only the team member counts.
    delivery_reviewed: bool | None = None


@dataclass(frozen=True)
class RedFlag:
    code: str
    label: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "label": self.label}


@dataclass(frozen=True)
class DealRisk:
    coverage: int
    level: str
    flags: list[RedFlag] = field(default_factory=list)

    @property
    def level_label(self) -> str:
        return str(RiskLevel(self.level).label)


def person_weight(role: str, influence: str) -> int:
    return INFLUENCE_WEIGHTS.get(influence, 1) * ROLE_WEIGHTS.get(role, OTHER_ROLE_WEIGHT)


def person_score(person: Person) -> int:
    return person.closeness + person.solution_acceptance + person.price_acceptance - 3


def coverage(people: Sequence[Person]) -> int:
    weighted = sum(person_weight(p.role, p.influence) * person_score(p) for p in people)
    total_weight = sum(person_weight(p.role, p.influence) for p in people)
    if not any(p.role == DecisionRole.DECISION_MAKER for p in people):
        total_weight += ABSENT_DECISION_MAKER_WEIGHT
    if not people:
        return 0
    ratio = Decimal(100 * weighted) / Decimal(MAX_PERSON_SCORE * total_weight)
    return int(ratio.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _flag(code: RedFlagCode) -> RedFlag:
    return RedFlag(code=code.value, label=str(code.label))


def red_flags(facts: DealFacts) -> list[RedFlag]:
    flags: list[RedFlag] = []
    deciders = [p for p in facts.people if p.role == DecisionRole.DECISION_MAKER]
    if not deciders:
        flags.append(_flag(RedFlagCode.DECISION_MAKER_UNKNOWN))
    elif any(p.attitude == Attitude.OPPONENT for p in deciders):
        flags.append(_flag(RedFlagCode.DECISION_MAKER_OPPOSED))
    if facts.best_guide_level < 1:
        flags.append(_flag(RedFlagCode.NO_GUIDE))
    at_bid = facts.bid_stage_order is not None and facts.stage_order >= facts.bid_stage_order
    if at_bid and facts.best_guide_level < 2:
        flags.append(_flag(RedFlagCode.NO_GUIDE_LEVEL_2))
    if facts.stage_code == NEGOTIATE_STAGE_CODE and any(
        p.role in PRICE_ROLES and p.price_acceptance <= LOW_PRICE_ACCEPTANCE for p in facts.people
    ):
        flags.append(_flag(RedFlagCode.PRICE_NOT_ACCEPTED))
    if not facts.has_delivery_manager or facts.delivery_reviewed is False:
        flags.append(_flag(RedFlagCode.NO_DELIVERY_REVIEW))
    return flags


def risk_level(cover: int, flags: Sequence[RedFlag]) -> str:
    codes = {flag.code for flag in flags}
    if cover < HIGH_RISK_BELOW or codes & CRITICAL_FLAGS or len(flags) >= 3:
        return RiskLevel.HIGH.value
    if cover < MEDIUM_RISK_BELOW or flags:
        return RiskLevel.MEDIUM.value
    return RiskLevel.LOW.value


def deal_risk(facts: DealFacts) -> DealRisk:
    cover = coverage(facts.people)
    flags = red_flags(facts)
    return DealRisk(coverage=cover, level=risk_level(cover, flags), flags=flags)


# ---- delivery reviews provided by another app (kam.quotes) --------------------------------

DeliveryReviewSource = Callable[[], Combinable]
_DELIVERY_REVIEW_SOURCES: dict[str, DeliveryReviewSource] = {}


def delivery_review_source_register(key: str, source: DeliveryReviewSource) -> None:
    """`source()` is a true/false SQL expression over an opportunity row (a subquery on
    `OuterRef("pk")`): whether the deal's delivery review is recorded. As an expression it is
    read in the query that reads the deal, for any number of deals."""
    _DELIVERY_REVIEW_SOURCES[key] = source


def delivery_reviewed_expression() -> Expression | None:
    """Reviewed by any source; None when no app provides delivery reviews."""
    if not _DELIVERY_REVIEW_SOURCES:
        return None
    sources = [_DELIVERY_REVIEW_SOURCES[key]() for key in sorted(_DELIVERY_REVIEW_SOURCES)]
    return ExpressionWrapper(Q(*sources, _connector=Q.OR), output_field=BooleanField())


def _delivery_reviewed(ids: Sequence[int]) -> dict[int, bool | None]:
    from kam.opportunities.models import Opportunity

    reviewed = delivery_reviewed_expression()
    if reviewed is None:
        return dict.fromkeys(ids)
    rows = Opportunity.objects.filter(pk__in=ids).order_by().annotate(reviewed=reviewed)
    return dict(rows.values_list("pk", "reviewed"))


# ---- the batched read -----------------------------------------------------------------------


def deal_risks(opportunity_ids: Sequence[int]) -> dict[int, DealRisk]:
    """Risk of many deals in five queries (six with a delivery-review source), whatever their
    number. Callers pass ids they already filtered by visibility."""
    from kam.assessments.models import DealContact
    from kam.contacts.models import Contact
    from kam.opportunities.enums import TeamRole
    from kam.opportunities.models import Opportunity, OpportunityTeamMember, Stage

    ids = list(dict.fromkeys(opportunity_ids))
    if not ids:
        return {}
    deals = list(
        Opportunity.objects.filter(pk__in=ids).values(
            "pk", "account_id", "process_id", "stage__code", "stage__order"
        )
    )
    bid_orders: dict[int, int] = {}
    for row in Stage.objects.filter(
        process_id__in={d["process_id"] for d in deals}, code__in=BID_STAGE_CODES
    ).values("process_id", "order"):
        previous = bid_orders.get(row["process_id"])
        bid_orders[row["process_id"]] = (
            row["order"] if previous is None else min(previous, row["order"])
        )
    people: dict[int, list[Person]] = {pk: [] for pk in ids}
    chain = (
        DealContact.objects.filter(opportunity_id__in=ids)
        .exclude(contact__status=ContactStatus.LEFT)
        .values_list(
            "opportunity_id", "role_in_deal", "influence", "attitude", "contact__closeness",
            "solution_acceptance", "price_acceptance",
        )
    )  # fmt: skip
    for opportunity_id, role, influence, attitude, closeness, solution, price in chain:
        people[opportunity_id].append(Person(role, influence, attitude, closeness, solution, price))
    guides = dict(
        Contact.objects.filter(account_id__in={d["account_id"] for d in deals})
        .exclude(status=ContactStatus.LEFT)
        .values("account_id")
        .annotate(best=Max("guide_level"))
        .values_list("account_id", "best")
    )
    with_delivery = set(
        OpportunityTeamMember.objects.filter(
            opportunity_id__in=ids, role=TeamRole.DELIVERY_MANAGER
        ).values_list("opportunity_id", flat=True)
    )
    reviewed = _delivery_reviewed(ids)
    return {
        d["pk"]: deal_risk(
            DealFacts(
                people=people[d["pk"]],
                best_guide_level=guides.get(d["account_id"]) or 0,
                stage_code=d["stage__code"],
                stage_order=d["stage__order"],
                bid_stage_order=bid_orders.get(d["process_id"]),
                has_delivery_manager=d["pk"] in with_delivery,
                delivery_reviewed=reviewed.get(d["pk"]),
            )
        )
        for d in deals
    }
