from datetime import datetime

from ninja import Schema


class AccountOut(Schema):
    id: int
    name: str
    name_normalized: str
    credit_code: str | None
    industry: str
    province: str
    city: str
    level: str
    parent_id: int | None
    website: str
    size: str
    status: str
    grade: str
    purchase_scenario: str
    owner_id: int | None
    team_id: int | None
    description: str
    personnel_change_at: datetime | None
    last_activity_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


class AccountListOut(Schema):
    items: list[AccountOut]
    next_offset: int | None


class AccountCreateIn(Schema):
    name: str
    industry: str
    province: str
    level: str
    credit_code: str | None = None
    city: str = ""
    parent_id: int | None = None
    website: str = ""
    size: str = ""
    status: str = "prospect"
    grade: str = "C"
    purchase_scenario: str = ""
    description: str = ""
    # Omitted: the caller owns the account. GM/admin may pass null to put it in the pool.
    owner_id: int | None = None
    confirm_not_duplicate: bool = False


class AccountPatchIn(Schema):
    version: int
    name: str | None = None
    industry: str | None = None
    province: str | None = None
    level: str | None = None
    credit_code: str | None = None
    city: str | None = None
    parent_id: int | None = None
    website: str | None = None
    size: str | None = None
    status: str | None = None
    grade: str | None = None
    purchase_scenario: str | None = None
    description: str | None = None
    owner_id: int | None = None
    confirm_not_duplicate: bool = False


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class AccountMergeIn(Schema):
    source_id: int
    reason: str
    source_version: int | None = None
    target_version: int | None = None


class CoreChangeIn(Schema):
    """Only the fields sent are proposed; `parent_id: null` proposes removing the parent."""

    name: str | None = None
    credit_code: str | None = None
    parent_id: int | None = None
    level: str | None = None
    reason: str


class CoreChangeOut(Schema):
    approval_id: int
    status: str
