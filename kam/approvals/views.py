"""Approval pages: the inbox, one approval with its decisions, and the chain configuration.
Thin adapters: parse with a form, call a selector or a service, render."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.approvals.chains import chain_effective, chain_token
from kam.approvals.display import chain_rule_text, change_rows, subject_link, type_label
from kam.approvals.enums import ApprovalStatus
from kam.approvals.forms import (
    CHAIN_PREFIX,
    ChainFormSet,
    DecisionForm,
    InboxFilterForm,
    ResubmitForm,
    chain_initial,
    chain_rows_from_post,
)
from kam.approvals.models import Approval
from kam.approvals.registry import approval_type_get, approval_types
from kam.approvals.rules import (
    approval_can_decide,
    approval_chain_manageable_by,
    approval_is_requester,
)
from kam.approvals.selectors import (
    BOXES,
    approval_get_visible,
    approval_steps,
    approvals_box,
)
from kam.approvals.services import (
    approval_approve,
    approval_chain_save,
    approval_reject,
    approval_resubmit,
    approval_return,
    approval_withdraw,
)
from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.core.pagination import page_number, paginate
from kam.users.models import User


def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    box = request.GET.get("box") or "waiting"
    if box not in BOXES:
        box = "waiting"
    filter_form = InboxFilterForm(request.GET or None)
    filters = filter_form.filters()
    page = paginate(
        approvals_box(
            request.user, box, type_code=filters.get("type", ""), status=filters.get("status", "")
        ),
        page_number(request.GET.get("page")),
    )
    rows = [
        {
            "approval": a,
            "type_label": type_label(a.type_code),
            "current": a.pending_steps[0].approver if a.pending_steps else None,
        }
        for a in page.object_list
    ]
    context = {
        "box": box,
        "filter_form": filter_form,
        "filtered": bool(filters),
        "page_obj": page,
        "rows": rows,
        "can_manage_chains": approval_chain_manageable_by(request.user),
    }
    return render(request, "approvals/inbox.html", context)


def _detail(
    request: AuthenticatedHttpRequest,
    approval: Approval,
    *,
    decision_form: DecisionForm | None = None,
    resubmit_form: ResubmitForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    is_requester = approval_is_requester(user, approval)
    context = {
        "approval": approval,
        "type_label": type_label(approval.type_code),
        "subject": subject_link(approval),
        "changes": change_rows(approval),
        "steps": approval_steps(approval),
        "can_decide": approval_can_decide(user, approval),
        "can_withdraw": is_requester and approval.status == ApprovalStatus.PENDING,
        "can_resubmit": is_requester and approval.status == ApprovalStatus.RETURNED,
        "decision_form": decision_form or DecisionForm(initial={"version": approval.version}),
        "resubmit_form": resubmit_form
        or ResubmitForm(
            initial={
                "title": approval.title,
                "amount": approval.amount,
                "version": approval.version,
            }
        ),
    }
    return render(request, "approvals/detail.html", context, status=status)


def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, approval_get_visible(request.user, pk))


def _decide(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    approval = approval_get_visible(request.user, pk)
    if action == "withdraw" and not approval_is_requester(request.user, approval):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if form.is_valid():
        version, comment = form.cleaned_data["version"], form.cleaned_data["comment"]
        try:
            if action == "approve":
                approval_approve(
                    approval=approval, actor=request.user, version=version, comment=comment
                )
            elif action == "reject":
                approval_reject(
                    approval=approval, actor=request.user, version=version, comment=comment
                )
            elif action == "return":
                approval_return(
                    approval=approval, actor=request.user, version=version, comment=comment
                )
            else:
                approval_withdraw(approval=approval, actor=request.user, version=version)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            status = approval.get_status_display()
            messages.success(request, _("已处理：%(status)s") % {"status": status})
            return redirect(approval)
    elif action != "withdraw" and not approval_can_decide(request.user, approval):
        raise PermissionDenied
    approval.refresh_from_db()
    return _detail(request, approval, decision_form=form, status=400)


@require_POST
def approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "approve")


@require_POST
def reject(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "reject")


@require_POST
def return_(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "return")


@require_POST
def withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "withdraw")


@require_POST
def resubmit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    approval = approval_get_visible(request.user, pk)
    if not approval_is_requester(request.user, approval):
        raise PermissionDenied
    form = ResubmitForm(request.POST)
    if form.is_valid():
        try:
            approval_resubmit(
                approval=approval,
                actor=request.user,
                version=form.cleaned_data["version"],
                title=form.cleaned_data["title"],
                amount=form.cleaned_data["amount"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("已重新提交审批。"))
            return redirect(approval)
    approval.refresh_from_db()
    return _detail(request, approval, resubmit_form=form, status=400)


# ---- chains (admin / GM) -------------------------------------------------------------------


def _require_chain_manager(request: AuthenticatedHttpRequest) -> None:
    if not approval_chain_manageable_by(request.user):
        raise PermissionDenied


def chains(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_chain_manager(request)
    effective = {t.code: chain_effective(t.code) for t in approval_types()}
    named = {r.user_id for rules in effective.values() for r in rules if r.user_id}
    users = User.objects.in_bulk(list(named))
    types = [
        {
            "code": t.code,
            "label": t.label,
            "chain": [chain_rule_text(r, users) for r in effective[t.code]],
        }
        for t in approval_types()
    ]
    return render(request, "approvals/chains.html", {"types": types})


def _move(rows: list[dict[str, Any]], action: str) -> list[dict[str, Any]]:
    """Apply an add / remove-N / up-N / down-N button to the posted rows."""
    rows = list(rows)
    if action == "add":
        return [*rows, {"rule": "role", "role": "", "user": "", "min_amount": ""}]
    verb, _sep, raw = action.partition("-")
    if not raw.isdigit() or int(raw) >= len(rows):
        return rows
    index = int(raw)
    if verb == "remove":
        del rows[index]
    elif verb == "up" and index > 0:
        rows[index - 1], rows[index] = rows[index], rows[index - 1]
    elif verb == "down" and index < len(rows) - 1:
        rows[index + 1], rows[index] = rows[index], rows[index + 1]
    return rows


def chain_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    _require_chain_manager(request)
    try:
        approval_type = approval_type_get(code)
    except ValueError:
        raise Http404 from None
    token = request.POST.get("token") if request.method == "POST" else chain_token(code)
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    errors: list[str] = []
    status = 200
    if request.method == "POST" and action in {"save", "reset"}:
        formset = ChainFormSet(request.POST, prefix=CHAIN_PREFIX)
        if action == "reset" or formset.is_valid():
            rules = [] if action == "reset" else [f.chain_rule() for f in formset.forms]
            try:
                approval_chain_save(
                    type_code=code, rules=rules, actor=request.user, token=token or ""
                )
            except ValidationError as error:
                errors = list(error.messages)
                status = 400
            else:
                messages.success(request, _("审批链已保存。"))
                return redirect("approvals:chain_edit", code=code)
        else:
            status = 400
    elif request.method == "POST":
        formset = ChainFormSet(
            initial=_move(chain_rows_from_post(request.POST), action), prefix=CHAIN_PREFIX
        )
    else:
        formset = ChainFormSet(initial=chain_initial(chain_effective(code)), prefix=CHAIN_PREFIX)
    context = {
        "approval_type": approval_type,
        "formset": formset,
        "token": token,
        "errors": errors,
        "default_chain": [chain_rule_text(r) for r in approval_type.default_chain],
    }
    return render(request, "approvals/chain_edit.html", context, status=status)
