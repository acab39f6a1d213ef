"""API input and output for /api/checklists. Money travels as strings with two places."""

from datetime import date, datetime

from ninja import Field, Schema

MONEY = 'Decimal as a string with two places, e.g. "1234.50".'


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class EvidenceOut(Schema):
    id: int
    original_name: str
    size: int
    uploaded_at: datetime


class ItemOut(Schema):
    id: int
    category: str = Field(description='"qing" (情), "li" (理) or "fa" (法).')
    label: str
    needs_evidence: bool
    lead_days: int
    lead_on: date | None = Field(description="The day it should be done by.")
    done_at: datetime | None
    done_by_id: int | None
    note: str
    complete: bool = Field(description="Ticked, and with evidence when evidence is needed.")
    late: bool = Field(description="Not complete and past its lead day.")
    evidence: list[EvidenceOut]


class MilestoneChecklistOut(Schema):
    milestone_id: int
    position: int
    kind: str
    name: str
    due_date: date | None
    amount: str = Field(description=MONEY)
    outstanding: str = Field(description=MONEY)
    items: list[ItemOut]


class ContractChecklistOut(Schema):
    contract_id: int
    can_edit: bool
    milestones: list[MilestoneChecklistOut]


class NoteIn(Schema):
    note: str = ""


class GapOut(Schema):
    milestone_id: int
    contract_id: int
    contract_number: str
    account_name: str
    owner_id: int
    due_date: date | None
    days_overdue: int
    outstanding: str = Field(description=MONEY)
    missing: list[ItemOut]


class GapListOut(Schema):
    today: date
    within_days: int
    items: list[GapOut]
    next_offset: int | None
