from datetime import datetime

from ninja import Field, Schema


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class RefusedOut(Schema):
    """A claim that lost or was not allowed: `code` says which rule refused it."""

    detail: str
    code: str


class RuleOut(Schema):
    grade: str
    trigger: str
    days: int


class RuleIn(Schema):
    grade: str
    trigger: str
    days: int = Field(strict=True)


class PoolOut(Schema):
    id: int
    name: str
    description: str
    industries: list[str]
    provinces: list[str]
    priority: int
    is_default: bool
    active: bool
    protection_days: int
    warn_days: int
    max_owned: int
    max_claims_per_day: int
    reclaim_lockout_days: int
    team_ids: list[int]
    rules: list[RuleOut]
    version: int

    @staticmethod
    def resolve_team_ids(pool: object) -> list[int]:
        return [team.pk for team in pool.teams.all()]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_rules(pool: object) -> list[object]:
        return list(pool.rules.all())  # type: ignore[attr-defined]


class PoolIn(Schema):
    name: str
    description: str = ""
    industries: list[str] = []
    provinces: list[str] = []
    priority: int = Field(default=100, strict=True)
    active: bool = True
    protection_days: int = Field(default=30, strict=True)
    warn_days: int = Field(default=3, strict=True)
    max_owned: int = Field(default=50, strict=True)
    max_claims_per_day: int = Field(default=5, strict=True)
    reclaim_lockout_days: int = Field(default=15, strict=True)
    team_ids: list[int] = []
    rules: list[RuleIn] = []


class PoolPatchIn(Schema):
    version: int
    name: str | None = None
    description: str | None = None
    industries: list[str] | None = None
    provinces: list[str] | None = None
    priority: int | None = Field(default=None, strict=True)
    active: bool | None = None
    protection_days: int | None = Field(default=None, strict=True)
    warn_days: int | None = Field(default=None, strict=True)
    max_owned: int | None = Field(default=None, strict=True)
    max_claims_per_day: int | None = Field(default=None, strict=True)
    reclaim_lockout_days: int | None = Field(default=None, strict=True)
    team_ids: list[int] | None = None
    rules: list[RuleIn] | None = None


class PoolAccountOut(Schema):
    id: int
    name: str
    grade: str
    industry: str
    province: str
    owner_id: int | None
    last_activity_at: datetime | None
    protected_until: datetime | None = Field(None, alias="placement.protected_until")
    lapse_trigger: str = Field("", alias="placement.lapse_trigger")


class PoolAccountListOut(Schema):
    items: list[PoolAccountOut]
    next_offset: int | None


class ClaimOut(Schema):
    id: int
    name: str
    owner_id: int | None
    version: int


class ReleaseIn(Schema):
    reason: str
    version: int


class AssignIn(Schema):
    to_user_id: int
    reason: str = ""


class PoolEventOut(Schema):
    id: int
    kind: str
    pool_id: int
    from_owner_id: int | None
    to_owner_id: int | None
    actor_id: int | None
    reason: str
    at: datetime
