"""API input and output for /api/delivery."""

from datetime import date, datetime

from ninja import Field, Schema


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class ScoresOut(Schema):
    closeness: int
    solution_acceptance: int
    price_acceptance: int


class MemberOut(Schema):
    id: int
    contract_id: int
    contact_id: int
    contact_name: str
    contact_title: str
    contact_status: str
    delivery_role: str
    stance: str
    scores: ScoresOut = Field(description="The contact's account-level scores (1–5), read-only.")
    signs_all_milestones: bool
    milestone_ids: list[int]
    signoff_status: str
    signoff_on: date | None
    signoff_note: str
    support_plan: str
    updated_by_id: int | None
    updated_at: datetime
    version: int


class ChainOut(Schema):
    items: list[MemberOut]


class MemberIn(Schema):
    contact_id: int
    delivery_role: str
    stance: str = "unknown"
    signs_all_milestones: bool = False
    milestone_ids: list[int] = Field(default_factory=list)
    support_plan: str = ""


class MemberPatchIn(Schema):
    version: int
    delivery_role: str | None = None
    stance: str | None = None
    signs_all_milestones: bool | None = None
    milestone_ids: list[int] | None = None
    support_plan: str | None = None


class SignOffIn(Schema):
    version: int
    status: str
    on: date | None = None
    note: str = ""


class RoleOut(Schema):
    code: str
    label: str


class SuggestionOut(Schema):
    contact_id: int
    contact_name: str
    contact_title: str
    role: str


class CoverageOut(Schema):
    uncovered: list[RoleOut]
    opposing_ids: list[int]
    low_score_ids: list[int]
    refused_ids: list[int]
    left_ids: list[int]
    signed: int
    members: int
    suggestions: list[SuggestionOut]
