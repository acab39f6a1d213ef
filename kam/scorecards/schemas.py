"""API input and output for /api/scorecards."""

from datetime import date
from decimal import Decimal

from ninja import Schema


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class PeriodIn(Schema):
    period: str = "month"
    start: date | None = None
    end: date | None = None


class TeamIn(PeriodIn):
    sort: str = "won_amount"
    descending: bool = True


class PeriodOut(Schema):
    kind: str
    start: date
    end: date


class CardOut(Schema):
    rep_id: int | None
    rep_name: str
    new_a: int
    forward_moves: int
    wins: int
    won_amount: Decimal
    losses: int
    pipeline_amount: Decimal
    visits: int
    review_filed: int
    review_due: int
    review_rate: Decimal | None
    violations: int
    collected_amount: Decimal
    overdue_amount: Decimal


class TeamOut(Schema):
    period: PeriodOut
    rows: list[CardOut]
    total: CardOut


class AssessmentOut(Schema):
    id: int
    assessed_on: date
    assessor_id: int
    assessor_name: str
    relationship: int
    relationship_note: str
    solution: int
    solution_note: str
    delivery_service: int
    delivery_service_note: str
    resource_coordination: int
    resource_coordination_note: str


class IndicatorOut(Schema):
    capability: str
    label: str
    value: str
    formula: str


class RepOut(Schema):
    period: PeriodOut
    card: CardOut
    latest: AssessmentOut | None
    history: list[AssessmentOut]
    indicators: list[IndicatorOut]


class AssessmentIn(Schema):
    assessed_on: date | None = None
    relationship: int
    relationship_note: str = ""
    solution: int
    solution_note: str = ""
    delivery_service: int
    delivery_service_note: str = ""
    resource_coordination: int
    resource_coordination_note: str = ""
