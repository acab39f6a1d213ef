"""API input and output for /api/leads."""

from datetime import date, datetime

from ninja import Schema


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class LeadFields(Schema):
    contact_name: str = ""
    contact_title: str = ""
    phone: str = ""
    scenario: str = ""
    situation: str = ""
    problem: str = ""
    implication: str = ""
    need_payoff: str = ""
    budget: str = "unknown"
    budget_note: str = ""
    authority: str = "unknown"
    authority_note: str = ""
    need: str = "unknown"
    need_note: str = ""
    timeline: str = "unknown"
    timeline_note: str = ""
    intent_class: str = ""


class LeadCreateIn(LeadFields):
    company_name: str
    source: str
    account_id: int | None = None
    owner_id: int | None = None


class LeadPatchIn(Schema):
    """Only the fields sent change; `version` is the one the edit was based on."""

    version: int
    company_name: str | None = None
    source: str | None = None
    account_id: int | None = None
    owner_id: int | None = None
    contact_name: str | None = None
    contact_title: str | None = None
    phone: str | None = None
    scenario: str | None = None
    situation: str | None = None
    problem: str | None = None
    implication: str | None = None
    need_payoff: str | None = None
    budget: str | None = None
    budget_note: str | None = None
    authority: str | None = None
    authority_note: str | None = None
    need: str | None = None
    need_note: str | None = None
    timeline: str | None = None
    timeline_note: str | None = None
    intent_class: str | None = None


class LeadOut(LeadFields):
    id: int
    company_name: str
    source: str
    owner_id: int
    account_id: int | None
    status: str
    disqualify_reason: str
    converted_opportunity_id: int | None
    converted_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class LeadListOut(Schema):
    items: list[LeadOut]
    next_offset: int | None


class FollowUpIn(Schema):
    kind: str
    content: str
    next_step: str = ""
    at: datetime | None = None


class FollowUpOut(Schema):
    id: int
    at: datetime
    kind: str
    content: str
    next_step: str
    actor_id: int


class ConvertIn(Schema):
    """For a lead without an account: `account_id` of a visible account, or `industry`,
    `province`, `level` (and optionally `credit_code`) to create one."""

    version: int
    account_id: int | None = None
    industry: str | None = None
    province: str | None = None
    level: str | None = None
    credit_code: str | None = None
    name: str | None = None
    expected_sign_date: date | None = None


class OverrideIn(ConvertIn):
    reason: str


class ConvertOut(Schema):
    opportunity_id: int
    number: str
    account_id: int


class ConvertRefusedOut(Schema):
    errors: dict[str, list[str]]
    missing: list[str]


class ApprovalRefOut(Schema):
    approval_id: int
    status: str


class DisqualifyIn(Schema):
    version: int
    reason: str
