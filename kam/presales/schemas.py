from datetime import date

from ninja import Schema
from pydantic import Field


class PresalesRequestIn(Schema):
    kind: str
    description: str
    needed_from: date
    needed_to: date
    estimated_hours: str = Field(description='Hours as a string in 0.5 steps, e.g. "16.5".')
    submit: bool = False


class VersionIn(Schema):
    version: int


class DispatchIn(Schema):
    version: int
    user_ids: list[int]


class HoursIn(Schema):
    date: date
    hours: str = Field(description="0 < hours <= 24 in 0.5 steps, as a string; never a float.")
    description: str


class AssignmentOut(Schema):
    id: int
    user_id: int
    user_name: str
    assigned_at: str


class PresalesRequestOut(Schema):
    id: int
    opportunity_id: int
    requested_by_id: int
    kind: str
    description: str
    needed_from: date
    needed_to: date
    estimated_hours: str
    estimated_cost: str
    status: str
    logged_hours: str
    approved_hours: str
    cost: str
    assignments: list[AssignmentOut]
    version: int


class PresalesRequestListOut(Schema):
    items: list[PresalesRequestOut]


class HoursOut(Schema):
    id: int
    assignment_id: int
    date: date
    hours: str
    description: str
    status: str


class ApprovalRefOut(Schema):
    approval_id: int
    status: str


class CostRowOut(Schema):
    opportunity_id: int
    number: str | None
    name: str
    logged_hours: str
    approved_hours: str
    cost: str


class CostListOut(Schema):
    items: list[CostRowOut]
    next_offset: int | None
    rate: str
    total_logged_hours: str
    total_approved_hours: str
    total_cost: str


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class DetailOut(Schema):
    detail: str
