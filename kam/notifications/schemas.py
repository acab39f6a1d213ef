from datetime import datetime

from ninja import Schema


class NotificationOut(Schema):
    id: int
    kind: str
    kind_display: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None
    is_read: bool


class NotificationListOut(Schema):
    items: list[NotificationOut]
    next_offset: int | None


class MarkAllReadOut(Schema):
    updated: int
