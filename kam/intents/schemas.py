"""API input and output for /api/intents."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class ThresholdsIn(Schema):
    a_days: int
    b_days: int
    c_days: int
    stale_a_days: int
    quiet_team_working_days: int


class ThresholdsOut(ThresholdsIn):
    updated_at: datetime


class BoardItemOut(Schema):
    kind: str
    id: int
    name: str
    account: str
    amount: Decimal | None
    expected_sign_date: date | None
    days_in_a: int
    contradicts: bool


class BoardRepOut(Schema):
    owner_id: int
    owner_name: str
    counts: dict[str, int]
    a_list: list[BoardItemOut]


class BoardOut(Schema):
    reps: list[BoardRepOut]


class ChangeOut(Schema):
    changed_at: datetime
    from_class: str
    to_class: str
    actor_id: int | None
    reason: str


class HistoryOut(Schema):
    intent_class: str
    suggested: str | None = None
    contradicts: bool = False
    changes: list[ChangeOut]
