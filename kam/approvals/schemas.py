from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field


class StepOut(Schema):
    id: int
    round: int
    position: int
    approver_id: int
    approver_name: str
    rule_label: str
    status: str
    comment: str
    decided_at: datetime | None


class ApprovalOut(Schema):
    id: int
    type_code: str
    type_label: str
    title: str
    requester_id: int
    requester_name: str
    account_id: int | None
    opportunity_id: int | None
    amount: str | None = Field(description="Decimal as a string with two places; never a float.")
    payload: dict[str, Any]
    status: str
    round: int
    current_position: int
    current_approver_id: int | None
    submitted_at: datetime
    decided_at: datetime | None
    version: int


class ApprovalDetailOut(ApprovalOut):
    steps: list[StepOut]


class ApprovalListOut(Schema):
    items: list[ApprovalOut]
    next_offset: int | None


class DecisionIn(Schema):
    version: int
    comment: str = ""


class ResubmitIn(Schema):
    version: int
    comment: str = ""
    title: str | None = None
    amount: str | None = Field(None, description='Decimal as a string, e.g. "1234.50".')
    payload: dict[str, Any] | None = None


class ChainRuleOut(Schema):
    rule: str
    role: str
    user_id: int | None
    min_amount: str | None
    text: str


class ApprovalTypeOut(Schema):
    code: str
    label: str
    chain: list[ChainRuleOut]


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class DetailOut(Schema):
    detail: str
