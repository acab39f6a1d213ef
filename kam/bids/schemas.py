from datetime import date, datetime

from ninja import Schema
from pydantic import Field


class BidIn(Schema):
    tender_name: str
    tender_number: str = ""
    deadline: datetime
    bond: str = Field("0", description='Decimal as a string, e.g. "50000.00"; never a float.')
    bid_amount: str = Field(description='Decimal as a string, e.g. "1234567.00".')


class VersionIn(Schema):
    version: int


class SubmittedIn(Schema):
    version: int
    submitted_on: date


class ResultIn(Schema):
    version: int
    status: str = Field(description="won | lost | abandoned")
    note: str = ""
    competitor_prices: str = ""


class DocumentRequestIn(Schema):
    kinds: list[str] = Field(description="licence | qualification | cases | authorisation | other")
    needed_by: date
    description: str = ""


class ReviewRequestIn(Schema):
    kind: str = Field(description="technical | commercial")
    comments: str = ""


class NegotiationIn(Schema):
    date: date
    participants: str
    content: str
    outcome: str = ""
    next_step: str = ""


class ReviewOut(Schema):
    id: int
    kind: str
    conclusion: str
    reviewer_id: int | None
    comments: str


class DocumentRequestOut(Schema):
    id: int
    kinds: list[str]
    needed_by: date
    description: str
    status: str


class NegotiationOut(Schema):
    id: int
    date: date
    participants: str
    content: str
    outcome: str
    next_step: str


class BidOut(Schema):
    id: int
    opportunity_id: int
    tender_number: str
    tender_name: str
    deadline: datetime
    submitted_on: date | None
    bond: str
    bid_amount: str
    status: str
    result_note: str
    competitor_prices: str
    reviews: list[ReviewOut]
    document_requests: list[DocumentRequestOut]
    negotiations: list[NegotiationOut]
    version: int


class BidListOut(Schema):
    items: list[BidOut]


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class DetailOut(Schema):
    detail: str
