"""API input and output for /api/reviews."""

from datetime import date, datetime
from typing import Any

from ninja import Schema


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class CommentOut(Schema):
    id: int
    item_id: int | None
    author_id: int
    author: str
    body: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return str(obj.author)


class ItemOut(Schema):
    id: int
    opportunity_id: int | None
    lead_id: int | None
    position: int
    snapshot: dict[str, Any]
    rep_note: str
    next_step: str
    version: int


class SheetSummaryOut(Schema):
    id: int
    rep_id: int
    rep: str
    day: date
    team_id: int | None
    generated_at: datetime
    filed_at: datetime | None
    item_count: int
    comment_count: int

    @staticmethod
    def resolve_rep(obj: Any) -> str:
        return str(obj.rep)


class SheetListOut(Schema):
    items: list[SheetSummaryOut]
    next_offset: int | None


class SheetOut(Schema):
    id: int
    rep_id: int
    day: date
    team_id: int | None
    generated_at: datetime
    filed_at: datetime | None
    rep_summary: str
    version: int
    items: list[ItemOut]
    comments: list[CommentOut]


class NoteIn(Schema):
    rep_note: str = ""
    next_step: str = ""
    version: int


class FileIn(Schema):
    rep_summary: str = ""
    version: int


class CommentIn(Schema):
    body: str
    item_id: int | None = None


class CoachingIn(Schema):
    rep_id: int
    kind: str
    happened_on: date
    account_id: int | None = None
    observations: str
    strengths: str = ""
    improvements: str = ""
    follow_up_action: str = ""
    follow_up_due: date | None = None


class CoachingPatchIn(Schema):
    """Only the fields sent change; `version` is the one the edit was based on."""

    version: int
    kind: str | None = None
    happened_on: date | None = None
    account_id: int | None = None
    observations: str | None = None
    strengths: str | None = None
    improvements: str | None = None
    follow_up_action: str | None = None
    follow_up_due: date | None = None


class FollowUpIn(Schema):
    result: str
    version: int


class CoachingOut(Schema):
    id: int
    rep_id: int
    coach_id: int
    kind: str
    account_id: int | None
    happened_on: date
    observations: str
    strengths: str
    improvements: str
    follow_up_action: str
    follow_up_due: date | None
    follow_up_done_at: datetime | None
    follow_up_result: str
    version: int


class CoachingListOut(Schema):
    items: list[CoachingOut]
    next_offset: int | None
