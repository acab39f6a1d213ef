from datetime import date, datetime

from ninja import Schema
from pydantic import Field


class QuoteCreateIn(Schema):
    opportunity_id: int
    valid_until: date | None = Field(None, description="Defaults to 30 days from today.")
    payment_terms: str = ""
    delivery_terms: str = ""
    notes: str = ""


class QuoteTermsPatch(Schema):
    """Only the fields sent are changed; `version` is the one the change is based on."""

    version: int
    valid_until: date | None = None
    payment_terms: str | None = None
    delivery_terms: str | None = None
    notes: str | None = None


class VersionIn(Schema):
    version: int


class ReviewIn(Schema):
    scope_ok: bool
    workload_days: str = Field(description='Person-days as a string, e.g. "12.5"; never a float.')
    price_ok: bool
    comment: str = ""


class QuoteLineOut(Schema):
    position: int
    product_id: int
    product_code: str
    product_name: str
    unit: str
    description: str
    quantity: str
    unit_price: str
    discount_rate: str
    list_amount: str
    net_amount: str
    tax_rate: str
    tax_amount: str


class ReviewOut(Schema):
    id: int
    quote_id: int
    reviewer_id: int
    reviewer: str
    scope_ok: bool
    workload_days: str
    price_ok: bool
    passed: bool
    comment: str
    reviewed_at: datetime


class QuoteOut(Schema):
    id: int
    number: str
    opportunity_id: int
    version_no: int
    status: str
    valid_until: date | None
    payment_terms: str
    delivery_terms: str
    notes: str
    list_total: str = Field(description="Decimal as a string with two places.")
    discount_total: str
    net_total: str
    tax_total: str
    gross_total: str
    max_discount_rate: str
    discount_approval_id: int | None
    created_by_id: int
    created_at: datetime
    approved_at: datetime | None
    sent_at: datetime | None
    accepted_at: datetime | None
    version: int
    lines: list[QuoteLineOut] | None = None
    reviews: list[ReviewOut]


class QuoteListOut(Schema):
    items: list[QuoteOut]
    next_offset: int | None


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class DetailOut(Schema):
    detail: str
