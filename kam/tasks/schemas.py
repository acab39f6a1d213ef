from datetime import datetime

from ninja import Schema


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class TaskOut(Schema):
    id: int
    owner_id: int
    title: str
    note: str
    account_id: int | None
    opportunity_id: int | None
    lead_id: int | None
    due_at: datetime | None
    remind_at: datetime | None
    reminded_at: datetime | None
    done_at: datetime | None
    done_by_id: int | None
    source: str
    source_url: str
    created_at: datetime
    version: int


class TaskListOut(Schema):
    items: list[TaskOut]
    next_offset: int | None


class TaskCreateIn(Schema):
    title: str
    note: str = ""
    owner_id: int | None = None
    account_id: int | None = None
    opportunity_id: int | None = None
    lead_id: int | None = None
    due_at: datetime | None = None
    remind_at: datetime | None = None


class TaskPatchIn(Schema):
    version: int
    title: str | None = None
    note: str | None = None
    owner_id: int | None = None
    account_id: int | None = None
    opportunity_id: int | None = None
    lead_id: int | None = None
    due_at: datetime | None = None
    remind_at: datetime | None = None


class TaskCompleteIn(Schema):
    version: int | None = None


class WebhookOut(Schema):
    id: int
    team_id: int
    name: str
    platform: str
    url: str
    has_secret: bool
    active: bool
    send_reminders: bool
    send_digest: bool
    version: int


class WebhookCreateIn(Schema):
    team_id: int
    name: str
    platform: str
    url: str
    secret: str = ""
    active: bool = True
    send_reminders: bool = True
    send_digest: bool = True


class WebhookPatchIn(Schema):
    version: int
    name: str | None = None
    platform: str | None = None
    url: str | None = None
    secret: str | None = None
    active: bool | None = None
    send_reminders: bool | None = None
    send_digest: bool | None = None


class DeliveryOut(Schema):
    id: int
    event: str
    status: str
    status_code: int | None
    error: str
    sent_at: datetime | None
