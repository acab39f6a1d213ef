"""API input and output for /api/billing. Money travels as strings with two places; a float is
refused (422) before it reaches a service."""

from datetime import date, datetime

from ninja import Field, Schema

MONEY = 'Decimal as a string with two places, e.g. "1234.50"; never a float.'


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class AllocationOut(Schema):
    id: int
    milestone_id: int
    contract_id: int
    amount: str
    allocated_by_id: int
    allocated_at: datetime
    reversed_at: datetime | None


class ReceiptOut(Schema):
    id: int
    account_id: int
    contract_id: int | None
    amount: str = Field(description=MONEY)
    unallocated: str = Field(description=MONEY)
    received_on: date
    method: str
    payer_name: str
    reference: str
    status: str
    reversal_reason: str
    recorded_by_id: int
    version: int


class ReceiptDetailOut(ReceiptOut):
    allocations: list[AllocationOut]


class ReceiptListOut(Schema):
    items: list[ReceiptOut]
    next_offset: int | None


class ReceiptIn(Schema):
    account_id: int
    contract_id: int | None = None
    amount: str = Field(description=MONEY)
    received_on: date
    method: str
    payer_name: str = ""
    reference: str = ""


class AllocationLineIn(Schema):
    milestone_id: int
    amount: str = Field(description=MONEY)


class AllocateIn(Schema):
    version: int
    allocations: list[AllocationLineIn]


class ReasonIn(Schema):
    version: int
    reason: str


class InvoiceOut(Schema):
    id: int
    milestone_id: int
    contract_id: int
    kind: str
    number: str
    tax_rate: str
    amount_with_tax: str = Field(description=MONEY)
    amount_without_tax: str = Field(description=MONEY)
    tax: str = Field(description=MONEY)
    issued_on: date
    issued_by_id: int
    status: str
    void_reason: str
    version: int


class InvoiceListOut(Schema):
    items: list[InvoiceOut]
    next_offset: int | None


class InvoiceIn(Schema):
    milestone_id: int
    kind: str
    number: str
    tax_rate: str = Field(description='One of "13", "9", "6", "3", "1", "0" (percent).')
    amount_with_tax: str = Field(description=MONEY)
    issued_on: date


class AgingRowOut(Schema):
    key: int | None
    label: str
    outstanding: str
    overdue: str
    d0_30: str
    d31_90: str
    d91_180: str
    d180_plus: str


class AgingOut(Schema):
    group_by: str
    today: date
    rows: list[AgingRowOut]
    next_offset: int | None = Field(description="The next page's offset; null on the last.")
    total: AgingRowOut


class DashboardScopeOut(Schema):
    kind: str = Field(description='"me", "team" (a manager\'s reporting line) or "company".')
    lead_id: int | None = Field(description="The head of the team line, for kind=team.")
    label: str


class DashboardPeriodOut(Schema):
    label: str
    start: date
    end: date
    planned: str = Field(description="Milestones due in the period. " + MONEY)
    collected: str = Field(description="Active allocations to those milestones. " + MONEY)
    received: str = Field(description="Recorded receipts received in the period. " + MONEY)
    completion_rate: str | None = Field(
        description="collected ÷ planned in percent, one place; null when nothing was planned."
    )


class DashboardAgingOut(Schema):
    not_due: str
    d0_30: str
    d31_90: str
    d91_180: str
    d180_plus: str
    overdue: str
    outstanding: str


class OverdueAccountOut(Schema):
    account_id: int
    account: str
    owner: str
    overdue: str = Field(description=MONEY)
    oldest_days_overdue: int


class DsoOut(Schema):
    receivable: str = Field(description="Outstanding of milestones due today or earlier. " + MONEY)
    billed_90_days: str = Field(description="Issued invoices of the last 90 days. " + MONEY)
    days: str | None = Field(
        description="receivable ÷ billed_90_days × 90, one place; null when nothing was billed."
    )


class DashboardOut(Schema):
    today: date
    scope: DashboardScopeOut
    month: DashboardPeriodOut
    quarter: DashboardPeriodOut
    series: list[DashboardPeriodOut]
    aging: DashboardAgingOut
    top_overdue: list[OverdueAccountOut]
    dso: DsoOut
