"""The delivery chain page of a contract. Every write re-renders the whole panel (htmx swaps
it in place), so the coverage warnings always match the table. Thin: parse → check → one
service → render."""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kam.contracts.models import Contract
from kam.contracts.selectors import contract_get_visible
from kam.core.http import AuthenticatedHttpRequest
from kam.delivery.forms import (
    MemberAddForm,
    MemberEditForm,
    SignOffForm,
    member_initial,
    signoff_initial,
)
from kam.delivery.rules import delivery_chain_can_edit
from kam.delivery.selectors import (
    delivery_chain_for,
    delivery_coverage,
    delivery_member_get_visible,
    delivery_suggestions,
)
from kam.delivery.services import (
    delivery_member_add,
    delivery_member_record_signoff,
    delivery_member_remove,
    delivery_member_update,
)

TEMPLATE = "delivery/chain.html"


def _apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service error on its visible field; the rest (the stale version too) on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        visible = field in form.fields and not form.fields[field].widget.is_hidden
        form.add_error(field if visible else None, messages)


def _context(
    request: AuthenticatedHttpRequest,
    contract: Contract,
    *,
    editing: int | None = None,
    edit_form: MemberEditForm | None = None,
    signing: int | None = None,
    signoff_form: SignOffForm | None = None,
    add_form: MemberAddForm | None = None,
) -> dict[str, Any]:
    can_edit = delivery_chain_can_edit(request.user, contract)
    members = delivery_chain_for(contract)
    coverage = delivery_coverage(members)
    current = {m.pk: m for m in members}
    if can_edit and editing in current and edit_form is None:
        edit_form = MemberEditForm(initial=member_initial(current[editing]), contract=contract)
    if can_edit and signing in current and signoff_form is None:
        signoff_form = SignOffForm(initial=signoff_initial(current[signing]))
    return {
        "contract": contract,
        "members": members,
        "coverage": coverage,
        "suggestions": delivery_suggestions(contract, coverage) if can_edit else [],
        "can_edit": can_edit,
        "editing": editing if can_edit else None,
        "edit_form": edit_form,
        "signing": signing if can_edit else None,
        "signoff_form": signoff_form,
        "add_form": (add_form or MemberAddForm(contract=contract)) if can_edit else None,
    }


def _render(request: AuthenticatedHttpRequest, context: dict[str, Any]) -> HttpResponse:
    if request.htmx:
        return render(request, f"{TEMPLATE}#panel", context)
    return render(request, TEMPLATE, context)


def _done(request: AuthenticatedHttpRequest, contract: Contract) -> HttpResponse:
    """After a write: the fresh panel for htmx, a redirect for a plain form post."""
    if request.htmx:
        return render(request, f"{TEMPLATE}#panel", _context(request, contract))
    return redirect(reverse("delivery:chain", args=[contract.pk]))


def _editable(request: AuthenticatedHttpRequest, contract_id: int) -> Contract:
    contract = contract_get_visible(request.user, contract_id)
    if not delivery_chain_can_edit(request.user, contract):
        raise PermissionDenied(_("只有合同负责人及其上级可以维护交付决策链。"))
    return contract


@require_GET
def chain(request: AuthenticatedHttpRequest, contract_id: int) -> HttpResponse:
    contract = contract_get_visible(request.user, contract_id)
    return _render(request, _context(request, contract))


@require_POST
def member_add(request: AuthenticatedHttpRequest, contract_id: int) -> HttpResponse:
    contract = _editable(request, contract_id)
    form = MemberAddForm(request.POST, contract=contract)
    if form.is_valid():
        try:
            delivery_member_add(
                contract=contract,
                contact=form.cleaned_data["contact"],
                actor=request.user,
                data=form.service_data(),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return _done(request, contract)
    return _render(request, _context(request, contract, add_form=form))


@require_http_methods(["GET", "POST"])
def member_edit(request: AuthenticatedHttpRequest, contract_id: int, pk: int) -> HttpResponse:
    contract = _editable(request, contract_id)
    member = delivery_member_get_visible(request.user, contract, pk)
    form = None
    if request.method == "POST":
        form = MemberEditForm(request.POST, contract=contract)
        if form.is_valid():
            try:
                delivery_member_update(
                    member=member,
                    actor=request.user,
                    version=form.cleaned_data["version"],
                    data=form.service_data(),
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                return _done(request, contract)
    return _render(request, _context(request, contract, editing=member.pk, edit_form=form))


@require_http_methods(["GET", "POST"])
def member_signoff(request: AuthenticatedHttpRequest, contract_id: int, pk: int) -> HttpResponse:
    contract = _editable(request, contract_id)
    member = delivery_member_get_visible(request.user, contract, pk)
    form = None
    if request.method == "POST":
        form = SignOffForm(request.POST)
        if form.is_valid():
            try:
                delivery_member_record_signoff(
                    member=member,
                    actor=request.user,
                    version=form.cleaned_data["version"],
                    status=form.cleaned_data["signoff_status"],
                    on=form.cleaned_data["signoff_on"],
                    note=form.cleaned_data["signoff_note"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                return _done(request, contract)
    context = _context(request, contract, signing=member.pk, signoff_form=form)
    return _render(request, context)


@require_POST
def member_remove(request: AuthenticatedHttpRequest, contract_id: int, pk: int) -> HttpResponse:
    contract = _editable(request, contract_id)
    member = delivery_member_get_visible(request.user, contract, pk)
    delivery_member_remove(member=member, actor=request.user)
    return _done(request, contract)
