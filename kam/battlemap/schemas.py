"""API output of /api/battle-map. Money travels as strings with two places."""

from datetime import date

from ninja import Schema


class CellOut(Schema):
    milestone_id: int
    kind: str
    label: str
    due_date: date | None
    amount: str
    invoiced: str
    received: str
    outstanding: str
    days_overdue: int
    state: str


class RowOut(Schema):
    contract_id: int
    contract_number: str
    contract_name: str
    account_id: int
    account_name: str
    owner_id: int
    owner_name: str
    status: str
    amount: str
    invoiced: str
    received: str
    outstanding: str
    overdue: str
    progress: int
    milestones: list[CellOut]


class TotalsOut(Schema):
    contracts: int
    amount: str
    invoiced: str
    received: str
    outstanding: str
    overdue: str
    progress: int


class BattleMapOut(Schema):
    today: date
    page: int
    has_next: bool
    totals: TotalsOut
    rows: list[RowOut]
