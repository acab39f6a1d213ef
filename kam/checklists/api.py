"""/api/checklists: the contract's checklist, tick and untick, and the gaps list, through the
same rules, services and selectors as the pages (SPEC R-COL-5, R-API-1)."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from kam.checklists.models import ChecklistItem
from kam.checklists.rules import checklist_can_edit
from kam.checklists.schemas import ContractChecklistOut, ErrorsOut, GapListOut, ItemOut, NoteIn
from kam.checklists.selectors import (
    GapRow,
    ItemRow,
    checklist_gaps,
    contract_checklist,
    item_get_visible,
    item_row,
)
from kam.checklists.services import checklist_item_tick, checklist_item_untick
from kam.checklists.sync import checklists_sync
from kam.contracts.selectors import contract_get_visible
from kam.core.api import api_user

router = Router(tags=["checklists"])

MAX_LIMIT = 100
MAX_WITHIN_DAYS = 365


class GapFilters(Schema):
    within_days: int = 14
    owner_id: int | None = None
    limit: int = 50
    offset: int = 0


def _item_out(row: ItemRow) -> dict[str, Any]:
    item = row.item
    return {
        "id": item.pk, "category": item.category, "label": item.label,
        "needs_evidence": item.needs_evidence, "lead_days": item.lead_days,
        "lead_on": row.lead_on, "done_at": item.done_at, "done_by_id": item.done_by_id,
        "note": item.note, "complete": row.complete, "late": row.late,
        "evidence": [
            {"id": e.pk, "original_name": e.original_name, "size": e.size,
             "uploaded_at": e.uploaded_at}
            for e in row.evidence
        ],
    }  # fmt: skip


def _gap_out(row: GapRow) -> dict[str, Any]:
    contract = row.contract
    return {
        "milestone_id": row.milestone.pk, "contract_id": contract.pk,
        "contract_number": contract.number or "", "account_name": contract.account.name,
        "owner_id": contract.owner_id, "due_date": row.milestone.due_date,
        "days_overdue": row.money.days_overdue, "outstanding": f"{row.money.outstanding:.2f}",
        "missing": [_item_out(item) for item in row.missing],
    }  # fmt: skip


@router.get("/contracts/{contract_id}", response=ContractChecklistOut)
def contract_checklist_endpoint(request: HttpRequest, contract_id: int) -> Any:
    user = api_user(request)
    contract = contract_get_visible(user, contract_id)
    checklists_sync(contract.milestones.all())
    milestones = [
        {
            "milestone_id": c.milestone.pk,
            "position": c.milestone.position,
            "kind": c.milestone.kind,
            "name": c.milestone.name,
            "due_date": c.milestone.due_date,
            "amount": f"{c.milestone.amount:.2f}",
            "outstanding": f"{c.money.outstanding:.2f}",
            "items": [_item_out(row) for row in c.rows],
        }
        for c in contract_checklist(contract, timezone.localdate())
    ]
    return {
        "contract_id": contract.pk,
        "can_edit": checklist_can_edit(user, contract),
        "milestones": milestones,
    }


def _toggle(
    request: HttpRequest, item_id: int, service: Callable[..., ChecklistItem], note: str
) -> Any:
    user = api_user(request)
    item = item_get_visible(user, item_id)
    try:
        service(item=item, actor=user, note=note)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": {k: list(v) for k, v in error.message_dict.items()}})
    item = item_get_visible(user, item_id)
    return _item_out(item_row(item, item.milestone.due_date, timezone.localdate()))


@router.post("/items/{item_id}/tick", response={200: ItemOut, 422: ErrorsOut})
def tick_endpoint(request: HttpRequest, item_id: int, payload: NoteIn) -> Any:
    return _toggle(request, item_id, checklist_item_tick, payload.note)


@router.post("/items/{item_id}/untick", response={200: ItemOut, 422: ErrorsOut})
def untick_endpoint(request: HttpRequest, item_id: int, payload: NoteIn) -> Any:
    return _toggle(request, item_id, checklist_item_untick, payload.note)


@router.get("/gaps", response={200: GapListOut, 422: ErrorsOut})
def gaps_endpoint(request: HttpRequest, filters: Query[GapFilters]) -> Any:
    if not 0 <= filters.within_days <= MAX_WITHIN_DAYS:
        message = _("到期范围应在 0 到 %(max)s 天之间。") % {"max": MAX_WITHIN_DAYS}
        return Status(422, {"errors": {"within_days": [message]}})
    limit, offset = max(1, min(filters.limit, MAX_LIMIT)), max(0, filters.offset)
    today = timezone.localdate()
    rows = checklist_gaps(
        api_user(request), today, filters.within_days, owner_id=filters.owner_id,
        offset=offset, limit=limit + 1,
    )  # fmt: skip
    return {
        "today": today,
        "within_days": filters.within_days,
        "items": [_gap_out(row) for row in rows[:limit]],
        "next_offset": offset + limit if len(rows) > limit else None,
    }
