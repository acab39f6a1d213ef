from datetime import date, datetime

from ninja import Schema
from pydantic import Field


class InteractionIn(Schema):
    account_id: int
    kind: str = Field(description="visit / call / meeting / demo / site_visit / reception / trial")
    occurred_at: datetime
    subject: str
    content: str = ""
    reception_notes: str = Field("", description="Only for kind=reception, and required there.")
    outcome: str = ""
    next_step: str = ""
    next_step_date: date | None = None
    accompanied: bool = False
    accompanied_by: int | None = Field(None, description="User id of who came along.")
    our_participants: list[int] | None = Field(
        None, description="User ids; defaults to the caller."
    )
    their_participants: list[int] = Field(
        default_factory=list, description="Contact ids; all must belong to the account."
    )


class InteractionPatch(Schema):
    """Only the fields sent are changed; `version` is the one the change is based on."""

    version: int
    kind: str | None = None
    occurred_at: datetime | None = None
    subject: str | None = None
    content: str | None = None
    reception_notes: str | None = None
    outcome: str | None = None
    next_step: str | None = None
    next_step_date: date | None = None
    accompanied: bool | None = None
    accompanied_by: int | None = None
    our_participants: list[int] | None = None
    their_participants: list[int] | None = None


class PersonRef(Schema):
    id: int
    name: str


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    download_url: str


class InteractionOut(Schema):
    id: int
    account_id: int
    account_name: str
    kind: str
    kind_display: str
    occurred_at: datetime
    subject: str
    content: str
    reception_notes: str
    outcome: str
    next_step: str
    next_step_date: date | None
    accompanied: bool
    accompanied_by: PersonRef | None
    created_by: PersonRef | None
    our_participants: list[PersonRef]
    their_participants: list[PersonRef]
    attachments: list[AttachmentOut] | None = Field(
        None, description="Only on the single-record endpoint."
    )
    version: int
    created_at: datetime
    updated_at: datetime


class InteractionListOut(Schema):
    items: list[InteractionOut]
    next_offset: int | None


class TimelineItemOut(Schema):
    at: datetime
    kind: str
    title: str
    detail: str
    url: str
    actor: str


class TimelineOut(Schema):
    items: list[TimelineItemOut]
    next_before: datetime | None = Field(None, description="Pass as `before` for older items.")


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class DetailOut(Schema):
    detail: str
