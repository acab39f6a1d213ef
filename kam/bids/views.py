"""Bid pages: thin adapters over kam.bids forms, selectors and services."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kam.bids.enums import BidStatus
from kam.bids.forms import (
    BidForm,
    DocumentRequestForm,
    NegotiationForm,
    ResultForm,
    ReviewRequestForm,
    SubmittedForm,
    VersionForm,
    bid_initial,
)
from kam.bids.models import Bid
from kam.bids.rules import bid_can_manage, bid_can_prepare
from kam.bids.selectors import bid_get_visible, bids_for_opportunity, opportunity_get_visible
from kam.bids.services import (
    bid_create,
    bid_document_request_create,
    bid_mark_submitted,
    bid_record_result,
    bid_review_request,
    bid_submit_for_approval,
    bid_update,
    negotiation_add,
)
from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.opportunities.checks import guide_level_2


@require_GET
def panel(request: AuthenticatedHttpRequest, opportunity_pk: int) -> HttpResponse:
    """The "投标" section of the opportunity page (htmx fragment)."""
    opportunity = opportunity_get_visible(request.user, opportunity_pk)
    bids = bids_for_opportunity(opportunity)
    can_open = bid_can_manage(request.user, opportunity) and not any(b.is_active for b in bids)
    context = {"opportunity": opportunity, "bids": bids, "can_open": can_open}
    return render(request, "bids/panel.html", context)


@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest, opportunity_pk: int) -> HttpResponse:
    opportunity = opportunity_get_visible(request.user, opportunity_pk)
    if not bid_can_manage(request.user, opportunity):
        raise PermissionDenied
    form = BidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bid = bid_create(opportunity=opportunity, actor=request.user, data=form.service_data())
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("投标已创建。"))
            return redirect(bid.get_absolute_url())
    status = 422 if request.method == "POST" else 200
    return render(
        request, "bids/form.html", {"form": form, "opportunity": opportunity}, status=status
    )


@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    bid = bid_get_visible(request.user, pk)
    if not bid_can_manage(request.user, bid.opportunity):
        raise PermissionDenied
    form = BidForm(request.POST or None, initial=bid_initial(bid))
    if request.method == "POST" and form.is_valid():
        try:
            bid_update(
                bid=bid,
                actor=request.user,
                version=form.cleaned_data["version"] or 0,
                changes=form.service_data(),
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("投标已保存。"))
            return redirect(bid.get_absolute_url())
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "opportunity": bid.opportunity, "bid": bid}
    return render(request, "bids/form.html", context, status=status)


def _detail_context(request: AuthenticatedHttpRequest, bid: Bid, **forms_: Any) -> dict[str, Any]:
    user = request.user
    manage = bid_can_manage(user, bid.opportunity)
    prepare = bid_can_prepare(user, bid.opportunity)
    live = bid.status not in {BidStatus.WON, BidStatus.LOST, BidStatus.ABANDONED}
    context: dict[str, Any] = {
        "bid": bid,
        "opportunity": bid.opportunity,
        "can_edit": manage and bid.status == BidStatus.PREPARING,
        "can_submit": manage and bid.status in {BidStatus.PREPARING, BidStatus.APPROVAL_PENDING},
        "guide_ok": guide_level_2(bid.opportunity),
        "can_mark_submitted": manage and bid.status == BidStatus.APPROVED,
        "can_record_result": manage and live and bid.status != BidStatus.APPROVAL_PENDING,
        "can_prepare": prepare and live,
        "can_negotiate": prepare and bid.status in {BidStatus.SUBMITTED, BidStatus.WON},
        "submitted_form": SubmittedForm(initial={"version": bid.version}),
        "result_form": ResultForm(initial={"version": bid.version}),
        "document_form": DocumentRequestForm(),
        "review_form": ReviewRequestForm(),
        "negotiation_form": NegotiationForm(),
    }
    context.update(forms_)
    return context


@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    bid = bid_get_visible(request.user, pk)
    return render(request, "bids/detail.html", _detail_context(request, bid))


def _post_action(
    request: AuthenticatedHttpRequest,
    pk: int,
    form_class: type[forms.Form],
    form_key: str,
    action: Callable[[Bid, dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    bid = bid_get_visible(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(bid, form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(bid.get_absolute_url())
    context = _detail_context(request, bid, **{form_key: form})
    context["failed_form"] = form_key
    return render(request, "bids/detail.html", context, status=422)


@require_POST
def submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def action(bid: Bid, data: dict[str, Any]) -> None:
        bid_submit_for_approval(bid=bid, actor=request.user, version=data["version"])

    return _post_action(request, pk, VersionForm, "submit_form", action, _("已提交投标审批。"))


@require_POST
def mark_submitted(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def action(bid: Bid, data: dict[str, Any]) -> None:
        bid_mark_submitted(
            bid=bid, actor=request.user, version=data["version"], submitted_on=data["submitted_on"]
        )

    return _post_action(request, pk, SubmittedForm, "submitted_form", action, _("已登记投标。"))


@require_POST
def result(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def action(bid: Bid, data: dict[str, Any]) -> None:
        bid_record_result(
            bid=bid, actor=request.user, version=data["version"], status=data["status"],
            note=data["note"], competitor_prices=data["competitor_prices"],
        )  # fmt: skip

    return _post_action(request, pk, ResultForm, "result_form", action, _("投标结果已登记。"))


@require_POST
def document_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def action(bid: Bid, data: dict[str, Any]) -> None:
        bid_document_request_create(
            bid=bid, actor=request.user, kinds=list(data["kinds"]), needed_by=data["needed_by"],
            description=data["description"],
        )  # fmt: skip

    return _post_action(
        request, pk, DocumentRequestForm, "document_form", action, _("投标文件申请已提交审批。")
    )


@require_POST
def review_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def action(bid: Bid, data: dict[str, Any]) -> None:
        bid_review_request(
            bid=bid, actor=request.user, kind=data["kind"], comments=data["comments"]
        )

    return _post_action(
        request, pk, ReviewRequestForm, "review_form", action, _("评审已提交审批。")
    )


@require_POST
def negotiation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def action(bid: Bid, data: dict[str, Any]) -> None:
        negotiation_add(bid=bid, actor=request.user, data=data)

    return _post_action(
        request, pk, NegotiationForm, "negotiation_form", action, _("标后谈判记录已保存。")
    )
