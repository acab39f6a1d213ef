from datetime import date, datetime

from ninja import Schema
from pydantic import Field


class StageOut(Schema):
    id: int
    code: str
    name_zh: str
    name_en: str
    order: int
    default_probability: int
    kind: str
    key_milestone_zh: str
    active: bool


class SalesProcessOut(Schema):
    id: int
    code: str
    name_zh: str
    name_en: str
    description: str
    is_default: bool
    active: bool
    version: int
    stages: list[StageOut]


class SalesProcessListOut(Schema):
    items: list[SalesProcessOut]
    next_offset: int | None


# ---- opportunities (R-API-1) ----------------------------------------------------------------
# Money, quantities and rates are strings ("1234.50"): a JSON float is refused with 422.


class LineIn(Schema):
    product_id: int
    quantity: str = Field(description='Decimal as a string, e.g. "3" or "2.50".')
    unit_price: str | None = Field(None, description="Decimal string; omitted = list price.")
    discount_rate: str = Field("0", description='Percent as a string, e.g. "10".')
    description: str = ""


class LineOut(Schema):
    id: int
    product_id: int
    product_name: str
    description: str
    quantity: str
    unit_price: str
    discount_rate: str
    amount: str


class CompetitorIn(Schema):
    name: str
    strengths: str = ""
    weaknesses: str = ""
    relationship: str = ""


class CompetitorPatch(Schema):
    name: str | None = None
    strengths: str | None = None
    weaknesses: str | None = None
    relationship: str | None = None


class CompetitorOut(Schema):
    id: int
    name: str
    strengths: str
    weaknesses: str
    relationship: str


class TeamMemberIn(Schema):
    user_id: int
    role: str


class TeamMemberOut(Schema):
    id: int
    user_id: int
    user_name: str
    role: str


class MissingOut(Schema):
    kind: str
    code: str
    label: str
    stage: str


class StageMoveOut(Schema):
    id: int
    from_stage_id: int | None
    to_stage_id: int
    actor_id: int | None
    channel: str
    moved_at: datetime
    bypassed: bool
    bypass_reason: str
    missing: list[MissingOut]


class OpportunityOut(Schema):
    id: int
    number: str
    name: str
    account_id: int
    account_name: str
    process_id: int
    stage_id: int
    stage_name: str
    stage_kind: str
    stage_entered_at: datetime
    owner_id: int
    owner_name: str
    amount: str = Field(description="Sum of the lines, Decimal as a string.")
    weighted_amount: str
    expected_sign_date: date | None
    probability: int
    forecast_category: str
    intent_class: str
    project_class: str
    partner_name: str
    customer_lead: str
    description: str
    close_reason: str
    close_note: str
    closed_at: datetime | None
    updated_at: datetime
    version: int


class OpportunityDetailOut(OpportunityOut):
    lines: list[LineOut]
    competitors: list[CompetitorOut]
    team: list[TeamMemberOut]
    stage_moves: list[StageMoveOut]
    gate: list[MissingOut] = Field(description="What the deal still lacks to leave its stage.")


class OpportunityListOut(Schema):
    items: list[OpportunityOut]
    next_offset: int | None


class OpportunityCreateIn(Schema):
    account_id: int
    name: str
    process_id: int | None = None
    owner_id: int | None = None
    expected_sign_date: date | None = None
    probability: int | None = None
    forecast_category: str | None = None
    intent_class: str = ""
    project_class: str = ""
    partner_name: str = ""
    customer_lead: str = ""
    description: str = ""
    lines: list[LineIn] = []


class OpportunityPatchIn(Schema):
    """Only the fields sent change; `version` is the one read (stale → 409)."""

    version: int
    name: str | None = None
    owner_id: int | None = None
    expected_sign_date: date | None = None
    probability: int | None = None
    forecast_category: str | None = None
    intent_class: str | None = None
    project_class: str | None = None
    partner_name: str | None = None
    customer_lead: str | None = None
    description: str | None = None


class LinesIn(Schema):
    version: int
    lines: list[LineIn]


class MoveIn(Schema):
    to_stage_id: int
    version: int
    close_reason: str = ""
    close_note: str = ""
    bypass_reason: str = ""


class AttestIn(Schema):
    note: str = ""


class AttestOut(Schema):
    id: int
    attestation_id: int
    attested_by_id: int
    attested_at: datetime
    note: str


class ViolationOut(Schema):
    id: int
    opportunity_id: int
    opportunity_number: str
    opportunity_name: str
    owner_id: int | None
    actor_id: int | None
    from_stage_id: int | None
    to_stage_id: int
    moved_at: datetime
    bypass_reason: str
    missing: list[MissingOut]


class ViolationListOut(Schema):
    items: list[ViolationOut]
    next_offset: int | None


class GateRefusedOut(Schema):
    detail: str
    missing: list[MissingOut]


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class DetailOut(Schema):
    detail: str


class InitiationIn(Schema):
    version: int = Field(description="0 for a new report, else the version read.")
    project_name: str
    project_number: str = ""
    customer_lead: str = ""
    contract_amount: str
    gross_margin_rate: str
    expense_budget: str = "0"
    project_class: str = ""
    expected_sign_date: date | None = None
    background: str = ""


class InitiationOut(Schema):
    id: int | None
    opportunity_id: int
    project_name: str
    project_number: str
    customer_lead: str
    contract_amount: str
    gross_margin_rate: str
    expense_budget: str
    project_class: str
    expected_sign_date: date | None
    background: str
    status: str
    submitted_by_id: int | None
    submitted_at: datetime | None
    approval_id: int | None
    approval_status: str | None
    version: int


class InitiationSubmitIn(Schema):
    version: int


class InitiationSubmitOut(Schema):
    approval_id: int
    approval_status: str
    report: InitiationOut


class DealApprovalIn(Schema):
    type_code: str = Field(
        description="upgrade | partner_registration | guidance_plan | pr_plan | sow_review"
    )
    content: str = Field(description="The plan, or the reason for the request.")
    amount: str | None = Field(None, description="Decimal string, optional.")
    project_class: str = Field("", description="upgrade: the new project class.")
    intent_class: str = Field("", description="upgrade: the new intent class.")
    partner_name: str = Field("", description="partner_registration: the partner.")


class DealApprovalOut(Schema):
    id: int
    type_code: str
    type_label: str
    title: str
    status: str
    requester_id: int
    amount: str | None
    submitted_at: datetime
