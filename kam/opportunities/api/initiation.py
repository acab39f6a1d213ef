"""/api/opportunities/{id}/initiation (R-OPP-4): the initiation report and its submission."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status

from kam.core.api import api_user
from kam.opportunities.api.common import (
    deal_get,
    deal_get_editable,
    deals_router,
    money,
    refusal,
)
from kam.opportunities.initiation import (
    initiation_initial,
    initiation_latest_approval,
    initiation_report_for,
    initiation_report_save,
    initiation_snapshot,
    initiation_submit,
)
from kam.opportunities.models import (
    InitiationReport,
    InitiationStatus,
    Opportunity,
)
from kam.opportunities.schemas import (
    DetailOut,
    ErrorsOut,
    InitiationIn,
    InitiationOut,
    InitiationSubmitIn,
    InitiationSubmitOut,
)


def _initiation_out(opportunity: Opportunity, report: InitiationReport | None) -> dict[str, Any]:
    if report is None:
        initial = initiation_initial(opportunity)
        return {
            **initial, "id": None, "opportunity_id": opportunity.pk,
            "contract_amount": money(initial["contract_amount"]),
            "gross_margin_rate": money(initial["gross_margin_rate"]),
            "expense_budget": money(initial["expense_budget"]),
            "status": InitiationStatus.DRAFT, "submitted_by_id": None, "submitted_at": None,
            "approval_id": None, "approval_status": None, "version": 0,
        }  # fmt: skip
    approval = initiation_latest_approval(report)
    return {
        **initiation_snapshot(report), "id": report.pk, "status": report.status,
        "submitted_by_id": report.submitted_by_id, "submitted_at": report.submitted_at,
        "approval_id": approval.pk if approval else None,
        "approval_status": approval.status if approval else None, "version": report.version,
    }  # fmt: skip


@deals_router.get("/{int:opportunity_id}/initiation", response=InitiationOut)
def initiation_get(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    """The initiation report (R-OPP-4); before the first save, the defaults with version 0."""
    opportunity = deal_get(api_user(request), opportunity_id)
    return _initiation_out(opportunity, initiation_report_for(opportunity))


@deals_router.put(
    "/{int:opportunity_id}/initiation",
    response={200: InitiationOut, 403: DetailOut, 409: DetailOut, 422: ErrorsOut},
)
def initiation_put(request: HttpRequest, opportunity_id: int, payload: InitiationIn) -> Any:
    user = api_user(request)
    opportunity = deal_get_editable(user, opportunity_id)
    data = payload.model_dump(exclude={"version"})
    if not data["project_number"]:
        data["project_number"] = opportunity.number or ""
    try:
        report = initiation_report_save(
            opportunity=opportunity, actor=user, version=payload.version, data=data
        )
    except (PermissionDenied, ValidationError) as error:
        return refusal(error)
    return Status(200, _initiation_out(opportunity, report))


@deals_router.post(
    "/{int:opportunity_id}/initiation/submit",
    response={200: InitiationSubmitOut, 403: DetailOut, 409: DetailOut, 422: ErrorsOut},
)
def initiation_submit_endpoint(
    request: HttpRequest, opportunity_id: int, payload: InitiationSubmitIn
) -> Any:
    user = api_user(request)
    opportunity = deal_get_editable(user, opportunity_id)
    report = initiation_report_for(opportunity)
    if report is None:
        return Status(422, {"errors": {"__all__": [_("请先填写并保存立项报告。")]}})
    try:
        approval = initiation_submit(report=report, actor=user, version=payload.version)
    except (PermissionDenied, ValidationError) as error:
        return refusal(error)
    return Status(200, {"approval_id": approval.pk, "approval_status": approval.status,
                        "report": _initiation_out(opportunity, report)})  # fmt: skip
