from datetime import date

from ninja import Schema
from pydantic import Field

MONEY = "Decimal as a string with two places; never a float."


class PeriodOut(Schema):
    key: str = Field(description='"2026Q4" (quarter) or "2026-11" (month).')
    start: date
    end: date = Field(description="Inclusive.")


class CategoryOut(Schema):
    amount: str = Field(description=MONEY)
    weighted_amount: str = Field(description=MONEY)
    count: int


class FiguresOut(Schema):
    pipeline_amount: str = Field(description="Open deals expected to sign in the period.")
    weighted_amount: str = Field(description="Σ amount × probability of those deals, per deal.")
    won_amount: str = Field(description="Deals won (closed) in the period.")
    open_count: int
    won_count: int
    categories: dict[str, CategoryOut] = Field(
        description="pipeline, best_case, commit (open deals) and closed (won)."
    )


class ForecastRowOut(FiguresOut):
    label: str
    owner_id: int | None
    team_id: int | None


class ForecastOut(Schema):
    period: PeriodOut
    group: str
    rows: list[ForecastRowOut]
    totals: FiguresOut


class SnapshotOut(Schema):
    week_start: date
    owner_id: int
    owner_name: str
    team_id: int | None
    period: str
    category: str
    amount: str = Field(description=MONEY)
    weighted_amount: str = Field(description=MONEY)
    count: int


class SnapshotListOut(Schema):
    items: list[SnapshotOut]
    next_offset: int | None


class ErrorsOut(Schema):
    errors: dict[str, list[str]]
