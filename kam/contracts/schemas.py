"""API input and output for /api/contracts. Money travels as strings with two places; a JSON
number for money is refused (422), because a float cannot hold every fen."""

from datetime import date, datetime

from ninja import Field, Schema

MoneyIn = str | float | int


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class MilestoneIn(Schema):
    kind: str
    name: str = ""
    trigger: str
    percent: MoneyIn | None = Field(None, description='Percentage as a string, e.g. "30".')
    amount: MoneyIn | None = Field(None, description='Amount as a string, e.g. "1234.56".')
    fixed_date: date | None = None
    due_days: int = 0


class MilestoneOut(Schema):
    position: int
    kind: str
    name: str
    percent: str | None
    amount: str
    trigger: str
    fixed_date: date | None
    due_days: int
    due_date: date | None


class ContractOut(Schema):
    id: int
    number: str
    name: str
    account_id: int
    account_name: str
    opportunity_id: int | None
    amount: str = Field(description="Decimal as a string with two places.")
    status: str
    signed_on: date | None
    delivered_on: date | None
    accepted_on: date | None
    warranty_months: int
    terms: str
    owner_id: int
    version: int
    updated_at: datetime


class ContractDetailOut(ContractOut):
    milestones: list[MilestoneOut]


class ContractListOut(Schema):
    items: list[ContractOut]
    next_offset: int | None


class ContractCreateIn(Schema):
    """By hand (account_id, name, amount) or from a won deal (opportunity_id only)."""

    opportunity_id: int | None = None
    account_id: int | None = None
    name: str = ""
    amount: MoneyIn | None = None
    warranty_months: int = 12
    terms: str = ""


class ContractPatchIn(Schema):
    version: int
    name: str | None = None
    amount: MoneyIn | None = None
    warranty_months: int | None = None
    terms: str | None = None


class PlanIn(Schema):
    version: int
    milestones: list[MilestoneIn]


class PlanChangeIn(PlanIn):
    reason: str = ""


class SubmitIn(Schema):
    version: int
    signed_on: date | None = None


class VersionIn(Schema):
    version: int


class TerminateIn(Schema):
    version: int
    reason: str


class EventIn(Schema):
    version: int
    on: date


class ApprovalRefOut(Schema):
    approval_id: int
    status: str
