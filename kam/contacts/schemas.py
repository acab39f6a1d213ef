from datetime import datetime

from ninja import Schema
from pydantic import Field


class ScoreChangeOut(Schema):
    closeness: int
    solution_acceptance: int
    price_acceptance: int
    note: str
    actor_id: int | None
    changed_at: datetime


class ContactOut(Schema):
    id: int
    account_id: int
    name: str
    title: str
    department: str
    phone: str
    email: str
    wechat: str
    reports_to_id: int | None
    background: str
    character: str
    decision_style: str
    preferences: str
    status: str
    status_note: str
    decision_role: str
    influence: str
    attitude: str
    closeness: int
    solution_acceptance: int
    price_acceptance: int
    guide_level: int
    last_contact_at: datetime | None
    updated_at: datetime
    version: int


class ContactDetailOut(ContactOut):
    score_history: list[ScoreChangeOut]


class ContactListOut(Schema):
    items: list[ContactOut]
    next_offset: int | None


class ContactFields(Schema):
    """Profile fields; omitted ones keep their current (or default) value."""

    name: str | None = None
    title: str | None = None
    department: str | None = None
    phone: str | None = None
    email: str | None = None
    wechat: str | None = None
    reports_to_id: int | None = None
    background: str | None = None
    character: str | None = None
    decision_style: str | None = None
    preferences: str | None = None
    decision_role: str | None = None
    influence: str | None = None
    attitude: str | None = None
    closeness: int | None = None
    solution_acceptance: int | None = None
    price_acceptance: int | None = None
    guide_level: int | None = None


class ContactCreateIn(ContactFields):
    account_id: int
    name: str


class ContactPatchIn(ContactFields):
    version: int = Field(description="The version you read; a stale version is refused (422).")


class ErrorOut(Schema):
    errors: dict[str, list[str]]
