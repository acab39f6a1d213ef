"""/api/battle-map: the battle map's rows and totals, with the page's filters and visibility."""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from kam.battlemap.enums import MapSort
from kam.battlemap.schemas import BattleMapOut
from kam.battlemap.selectors import COLUMNS, MapFilters, Row, battle_map
from kam.core.api import api_user

router = Router(tags=["battle-map"])


class MapQuery(Schema):
    q: str = ""
    owner_id: int | None = None
    team_id: int | None = None
    status: str = ""
    state: str = ""
    sort: MapSort = MapSort.ACCOUNT
    page: int = 1


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _row(row: Row) -> dict[str, Any]:
    contract = row.contract
    return {
        "contract_id": contract.pk,
        "contract_number": contract.number or "",
        "contract_name": contract.name,
        "account_id": contract.account_id,
        "account_name": contract.account.name,
        "owner_id": contract.owner_id,
        "owner_name": str(contract.owner),
        "status": contract.status,
        "amount": _money(contract.amount),
        "invoiced": _money(row.invoiced),
        "received": _money(row.received),
        "outstanding": _money(row.outstanding),
        "overdue": _money(row.overdue),
        "progress": row.progress,
        "milestones": [
            {
                "milestone_id": cell.milestone_id,
                "kind": kind.value,
                "label": cell.label,
                "due_date": cell.due_date,
                "amount": _money(cell.amount),
                "invoiced": _money(cell.invoiced),
                "received": _money(cell.received),
                "outstanding": _money(cell.outstanding),
                "days_overdue": cell.days_overdue,
                "state": cell.state.value,
            }
            for kind, cells in zip(COLUMNS, row.columns, strict=True)
            for cell in cells
        ],
    }


@router.get("", response=BattleMapOut, summary="The battle map (作战地图): one row per contract")
def battle_map_endpoint(request: HttpRequest, query: Query[MapQuery]) -> Any:
    filters = MapFilters(
        query=query.q.strip(), owner_id=query.owner_id, team_id=query.team_id,
        status=query.status, state=query.state, sort=query.sort,
    )  # fmt: skip
    result = battle_map(api_user(request), filters, timezone.localdate(), max(1, query.page))
    totals = result.totals
    return {
        "today": result.today,
        "page": result.page.number,
        "has_next": result.page.has_next,
        "totals": {
            "contracts": totals.contracts,
            "amount": _money(totals.amount),
            "invoiced": _money(totals.invoiced),
            "received": _money(totals.received),
            "outstanding": _money(totals.outstanding),
            "overdue": _money(totals.overdue),
            "progress": totals.progress,
        },
        "rows": [_row(row) for row in result.rows],
    }
