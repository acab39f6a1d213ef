from datetime import date, datetime

from ninja import Schema
from pydantic import Field, StrictBool, StrictInt

VERSION_HELP = "The version you read; a stale version is refused (422)."


class AssessmentOut(Schema):
    opportunity_id: int
    real_score: int | None
    real_note: str
    compete_score: int | None
    compete_note: str
    win_score: int | None
    win_note: str
    worth_score: int | None
    worth_note: str
    competitive_strategy: str
    total_score: int | None = Field(description="Sum of the four scores (4–20) once all are given.")
    is_complete: bool
    updated_by_id: int | None
    updated_at: datetime | None
    version: int


class AssessmentIn(Schema):
    """Omitted fields keep their value; scores are integers 1–5 or null."""

    version: StrictInt = Field(description=VERSION_HELP + " 0 when there is no assessment yet.")
    real_score: StrictInt | None = None
    real_note: str | None = None
    compete_score: StrictInt | None = None
    compete_note: str | None = None
    win_score: StrictInt | None = None
    win_note: str | None = None
    worth_score: StrictInt | None = None
    worth_note: str | None = None
    competitive_strategy: str | None = None


class DealContactOut(Schema):
    id: int
    opportunity_id: int
    contact_id: int
    contact_name: str
    contact_title: str
    contact_status: str
    closeness: int = Field(description="From the account-level contact.")
    role_in_deal: str
    influence: str
    attitude: str
    solution_acceptance: int
    price_acceptance: int
    relationship_strategy: str
    version: int


class DealContactCreateIn(Schema):
    contact_id: StrictInt


class DealContactPatchIn(Schema):
    version: StrictInt = Field(description=VERSION_HELP)
    role_in_deal: str | None = None
    influence: str | None = None
    attitude: str | None = None
    solution_acceptance: StrictInt | None = None
    price_acceptance: StrictInt | None = None
    relationship_strategy: str | None = None


class ActionItemOut(Schema):
    id: int
    opportunity_id: int
    title: str
    owner_id: int
    due_date: date
    done: bool
    done_at: datetime | None
    result: str
    overdue: bool
    version: int


class ActionItemListOut(Schema):
    items: list[ActionItemOut]
    next_offset: int | None


class ActionItemCreateIn(Schema):
    title: str
    owner_id: StrictInt
    due_date: date


class ActionItemPatchIn(Schema):
    version: StrictInt = Field(description=VERSION_HELP)
    title: str | None = None
    owner_id: StrictInt | None = None
    due_date: date | None = None
    done: StrictBool | None = None
    result: str | None = None


class RedFlagOut(Schema):
    code: str
    label: str


class RiskOut(Schema):
    opportunity_id: int
    coverage: int = Field(description="0–100: influence- and role-weighted chain scores.")
    level: str
    level_label: str
    flags: list[RedFlagOut]


class ErrorsOut(Schema):
    errors: dict[str, list[str]]
