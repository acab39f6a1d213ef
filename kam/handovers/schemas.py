"""API input and output for /api/handovers."""

from datetime import datetime

from ninja import Schema


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class AssignmentsIn(Schema):
    from_user_id: int
    # Everything (or everything not named below) goes to this user.
    to_user_id: int | None = None
    # kind ("account", "opportunity", "lead", "approval_step") → user id
    per_kind: dict[str, int] = {}
    # account id → user id; the account's open deals and leads go with it
    per_account: dict[int, int] = {}


class ExecuteIn(AssignmentsIn):
    note: str = ""
    # From the preview: refuse if what would move changed since.
    fingerprint: str = ""


class UserRefOut(Schema):
    id: int
    name: str


class PreviewItemOut(Schema):
    kind: str
    object_id: int
    label: str
    to_user: UserRefOut | None


class PreviewGroupOut(Schema):
    kind: str
    label: str
    count: int
    items: list[PreviewItemOut]


class PreviewOut(Schema):
    from_user: UserRefOut
    total: int
    groups: list[PreviewGroupOut]
    problems: list[str]
    pending_requests: int
    fingerprint: str


class HandoverItemOut(Schema):
    kind: str
    object_id: int
    label: str
    from_user: UserRefOut
    to_user: UserRefOut


class SkippedOut(Schema):
    kind: str
    object_id: int
    label: str
    reason: str


class HandoverOut(Schema):
    id: int
    from_user: UserRefOut
    created_by: UserRefOut
    created_at: datetime
    note: str
    reverses_id: int | None
    items: list[HandoverItemOut] | None = None
    skipped: list[SkippedOut] | None = None


class HandoverListOut(Schema):
    items: list[HandoverOut]
    has_next: bool


class ReverseIn(Schema):
    note: str = ""


class DeactivateIn(Schema):
    force: bool = False


class DeactivateOut(Schema):
    user_id: int
    is_active: bool
    sessions_ended: int
    tokens_revoked: int
