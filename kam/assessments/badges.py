"""The risk badge on kanban cards and list rows: level and red-flag count.

Everything `deal_risk` reads comes as values of the one badge query: the decision chain as one
string (a person's role, influence, attitude, closeness, solution and price acceptance
joined by ",", people by ";"; the codes contain neither).
"""

from collections.abc import Mapping
from typing import Any

from django.db.models import (
    CharField,
    Exists,
    F,
    Max,
    OuterRef,
    StringAgg,
    Subquery,
    Value,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from kam.assessments.enums import RiskLevel
from kam.assessments.models import DealContact
from kam.assessments.risk import (
    BID_STAGE_CODES,
    DealFacts,
    Person,
    deal_risk,
    delivery_reviewed_expression,
)
from kam.contacts.enums import ContactStatus
from kam.contacts.models import Contact
from kam.opportunities.enums import StageKind, TeamRole
from kam.opportunities.models import OpportunityTeamMember, Stage
from kam.opportunities.panels import Badge

TONES = {RiskLevel.LOW: "ok", RiskLevel.MEDIUM: "warn", RiskLevel.HIGH: "bad"}
PERSON_FIELDS = (
    "role_in_deal",
    "influence",
    "attitude",
    "contact__closeness",
    "solution_acceptance",
    "price_acceptance",
)


def _chain() -> Subquery:
    parts: list[Any] = []
    for name in PERSON_FIELDS:
        parts += [Cast(name, output_field=CharField()), Value(",")]
    people = (
        DealContact.objects.filter(opportunity_id=OuterRef("pk"))
        .exclude(contact__status=ContactStatus.LEFT)
        .order_by()
        .values("opportunity_id")
        .annotate(chain=StringAgg(Concat(*parts[:-1], output_field=CharField()), Value(";")))
        .values("chain")
    )
    return Subquery(people, output_field=CharField())


def risk_badge_values() -> dict[str, Combinable]:
    bid_stage_order = (
        Stage.objects.filter(process_id=OuterRef("process_id"), code__in=BID_STAGE_CODES)
        .order_by("order")
        .values("order")[:1]
    )
    best_guide = (
        Contact.objects.filter(account_id=OuterRef("account_id"))
        .exclude(status=ContactStatus.LEFT)
        .order_by()
        .values("account_id")
        .annotate(best=Max("guide_level"))
        .values("best")
    )
    values: dict[str, Combinable] = {
        "stage_kind": F("stage__kind"),
        "stage_code": F("stage__code"),
        "stage_order": F("stage__order"),
        "bid_stage_order": Subquery(bid_stage_order),
        "best_guide_level": Subquery(best_guide),
        "has_delivery_manager": Exists(
            OpportunityTeamMember.objects.filter(
                opportunity_id=OuterRef("pk"), role=TeamRole.DELIVERY_MANAGER
            )
        ),
        "chain": _chain(),
    }
    reviewed = delivery_reviewed_expression()
    if reviewed is not None:
        values["delivery_reviewed"] = reviewed
    return values


def _people(chain: str | None) -> list[Person]:
    people = []
    for person in chain.split(";") if chain else []:
        role, influence, attitude, closeness, solution, price = person.split(",")
        people.append(Person(role, influence, attitude, int(closeness), int(solution), int(price)))
    return people


def risk_badges(values: Mapping[str, Any]) -> list[Badge]:
    """Open deals only: a closed deal's risk is history, not a warning."""
    if values["stage_kind"] != StageKind.OPEN:
        return []
    risk = deal_risk(
        DealFacts(
            people=_people(values["chain"]),
            best_guide_level=values["best_guide_level"] or 0,
            stage_code=values["stage_code"],
            stage_order=values["stage_order"],
            bid_stage_order=values["bid_stage_order"],
            has_delivery_manager=bool(values["has_delivery_manager"]),
            delivery_reviewed=values.get("delivery_reviewed"),
        )
    )
    count = len(risk.flags)
    label = risk.level_label if not count else f"{risk.level_label} · {count}"
    title = "；".join(flag.label for flag in risk.flags) or _("决策链覆盖度 %(n)s") % {
        "n": risk.coverage
    }
    return [Badge(label=label, tone=TONES[RiskLevel(risk.level)], title=title)]
