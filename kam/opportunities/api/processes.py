"""/api/sales-processes — read-only; processes with their ordered stages (R-OPP-2)."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from kam.opportunities.models import SalesProcess
from kam.opportunities.schemas import SalesProcessListOut, SalesProcessOut
from kam.opportunities.selectors import process_stages, sales_process_get, sales_processes_list

router = Router(tags=["sales-processes"])
MAX_LIMIT = 100


def _out(process: SalesProcess) -> dict[str, Any]:
    return {
        "id": process.pk, "code": process.code, "name_zh": process.name_zh,
        "name_en": process.name_en, "description": process.description,
        "is_default": process.is_default, "active": process.active, "version": process.version,
        "stages": [
            {
                "id": s.pk, "code": s.code, "name_zh": s.name_zh, "name_en": s.name_en,
                "order": s.order, "default_probability": s.default_probability, "kind": s.kind,
                "key_milestone_zh": s.key_milestone_zh, "active": s.active,
            }
            for s in process_stages(process)
        ],
    }  # fmt: skip


class ListFilters(Schema):
    active: bool | None = None
    limit: int = 50
    offset: int = 0


@router.get("/", response=SalesProcessListOut, summary="List sales processes with their stages")
def list_processes(request: HttpRequest, filters: Query[ListFilters]) -> dict[str, Any]:
    limit = max(1, min(filters.limit, MAX_LIMIT))
    offset = max(0, filters.offset)
    page = list(sales_processes_list(active=filters.active)[offset : offset + limit + 1])
    return {
        "items": [_out(p) for p in page[:limit]],
        "next_offset": offset + limit if len(page) > limit else None,
    }


@router.get("/{process_id}", response=SalesProcessOut, summary="One sales process")
def get_process(request: HttpRequest, process_id: int) -> dict[str, Any]:
    return _out(sales_process_get(process_id))
