"""The gate-violations report (SPEC R-OPP-3): every bypassed stage move the user can see,
counted by rep and by the skipped gate, with the detailed list and its export."""

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.audit.exports import export_allowed, export_response
from kam.core.http import AuthenticatedHttpRequest
from kam.core.pagination import page_number, paginate
from kam.opportunities.forms import ViolationFilterForm
from kam.opportunities.models import StageMove
from kam.opportunities.rules import violations_report_allowed
from kam.opportunities.selectors import (
    stage_moves_bypassed,
    violations_by_owner,
    violations_by_stage,
)
from kam.users.models import User
from kam.users.saved_views import view_query

_L = gettext_lazy
EXPORT_HEADERS = [
    _L("商机编号"), _L("商机名称"), _L("原阶段"), _L("目标阶段"), _L("负责人"), _L("操作人"),
    _L("越过原因"), _L("未满足项"), _L("时间"),
]  # fmt: skip


def _require_reader(user: User) -> None:
    if not violations_report_allowed(user):
        raise PermissionDenied


def missing_text(move: StageMove) -> str:
    return "；".join(f"{item.get('stage', '')}：{item.get('label', '')}" for item in move.missing)


def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_reader(request.user)
    form = ViolationFilterForm(request.GET or None)
    moves = stage_moves_bypassed(request.user, **form.dates())
    page = paginate(moves, page_number(request.GET.get("page")))
    context: dict[str, Any] = {
        "form": form,
        "by_owner": violations_by_owner(moves),
        "by_stage": violations_by_stage(moves),
        "page_obj": page,
        "moves": page.object_list,
        "can_export": export_allowed(request.user),
        "query_string": view_query(request.GET),
        "filtered": bool(form.dates()),
    }
    return render(request, "opportunities/violations.html", context)


def export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    _require_reader(request.user)
    if not export_allowed(request.user):
        raise PermissionDenied
    form = ViolationFilterForm(request.GET or None)
    moves = stage_moves_bypassed(request.user, **form.dates())

    def rows() -> Iterator[list[Any]]:
        for move in moves.iterator(chunk_size=1000):
            yield [
                move.opportunity.number, move.opportunity.name,
                move.from_stage.display_name if move.from_stage else "",
                move.to_stage.display_name, move.owner or "", move.actor or "",
                move.bypass_reason, missing_text(move), move.moved_at,
            ]  # fmt: skip

    return export_response(
        user=request.user,
        what=_("越过关卡记录"),
        filename="stage-gate-violations",
        headers=[str(h) for h in EXPORT_HEADERS],
        rows=rows(),
        file_format="csv" if request.GET.get("format") == "csv" else "xlsx",
        filters=view_query(request.GET),
    )
