"""Handover pages (离职交接): thin adapters over kam.handovers selectors and services."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.core.pagination import page_number, paginate
from kam.handovers.forms import DeactivateForm, HandoverForm, ReverseForm
from kam.handovers.rules import (
    handover_can_manage,
    handover_can_start,
    handover_sees_all_items,
)
from kam.handovers.selectors import (
    handover_get_visible,
    handover_items_visible,
    handover_list,
    handover_owned,
    handover_receiver_choices,
    handover_user_get,
    handover_users_managed,
    handovers_of_user,
    pending_requests_count,
)
from kam.handovers.services.deactivation import user_deactivate
from kam.handovers.services.execution import handover_execute, handover_reverse
from kam.handovers.services.planning import handover_preview
from kam.users.models import User


def _is_htmx(request: AuthenticatedHttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@require_GET
def handover_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = paginate(handover_list(request.user), page_number(request.GET.get("page")))
    context = {"page_obj": page, "can_start": handover_can_start(request.user)}
    return render(request, "handovers/list.html", context)


@require_GET
def handover_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not handover_can_start(request.user):
        raise PermissionDenied
    users = handover_users_managed(request.user)
    return render(request, "handovers/start.html", {"users": users})


def _user_page_form(
    request: AuthenticatedHttpRequest, user: User, data: Any = None
) -> tuple[HandoverForm, Any]:
    owned = handover_owned(user)
    form = HandoverForm(
        data,
        receivers=handover_receiver_choices(request.user, exclude=user),
        accounts=owned.accounts,
    )
    return form, owned


def _user_page(
    request: AuthenticatedHttpRequest,
    user: User,
    *,
    form: HandoverForm,
    owned: Any,
    preview: Any = None,
    deactivate_form: DeactivateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "subject": user,
        "form": form,
        "owned": owned,
        "counts": owned.counts(),
        "pending_requests": pending_requests_count(user),
        "preview": preview,
        "history": handovers_of_user(user)[:20],
        "deactivate_form": deactivate_form or DeactivateForm(),
    }
    return render(request, "handovers/user.html", context, status=status)


@require_http_methods(["GET", "POST"])
def handover_user(request: AuthenticatedHttpRequest, user_pk: int) -> HttpResponse:
    """The leaving user's page: what they hold, who receives it, and 预览 (POST, htmx)."""
    user = handover_user_get(request.user, user_pk)
    if request.method == "GET":
        form, owned = _user_page_form(request, user)
        return _user_page(request, user, form=form, owned=owned)
    form, owned = _user_page_form(request, user, request.POST)
    preview = None
    if form.is_valid():
        preview = handover_preview(
            from_user=user, assignments=form.assignments(), actor=request.user
        )
    if _is_htmx(request):
        context = {"form": form, "preview": preview, "subject": user}
        return render(request, "handovers/user.html#preview", context)
    return _user_page(request, user, form=form, owned=owned, preview=preview)


@require_POST
def handover_execute_view(request: AuthenticatedHttpRequest, user_pk: int) -> HttpResponse:
    user = handover_user_get(request.user, user_pk)
    form, owned = _user_page_form(request, user, request.POST)
    if form.is_valid():
        try:
            handover = handover_execute(
                from_user=user,
                assignments=form.assignments(),
                actor=request.user,
                note=form.cleaned_data["note"],
                fingerprint=form.cleaned_data["fingerprint"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("交接已完成。"))
            return redirect(handover.get_absolute_url())
    return _user_page(request, user, form=form, owned=owned, status=422)


@require_POST
def user_deactivate_view(request: AuthenticatedHttpRequest, user_pk: int) -> HttpResponse:
    user = handover_user_get(request.user, user_pk)
    deactivate_form = DeactivateForm(request.POST)
    if deactivate_form.is_valid():
        try:
            result = user_deactivate(
                user=user, actor=request.user, force=deactivate_form.cleaned_data["force"]
            )
        except ValidationError as error:
            form_add_service_errors(deactivate_form, error)
        else:
            messages.success(
                request,
                _("%(name)s 已停用：结束 %(sessions)s 个登录会话，吊销 %(tokens)s 个 API 令牌。")
                % {
                    "name": user,
                    "sessions": result.sessions_ended,
                    "tokens": result.tokens_revoked,
                },
            )
            return redirect("handovers:user", user_pk=user.pk)
    form, owned = _user_page_form(request, user)
    return _user_page(
        request, user, form=form, owned=owned, deactivate_form=deactivate_form, status=422
    )


@require_GET
def handover_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    handover = handover_get_visible(request.user, pk)
    context = {
        "handover": handover,
        "items": handover_items_visible(request.user, handover),
        "can_reverse": handover.reverses_id is None
        and not handover.reversals.exists()
        and handover_can_manage(request.user, handover.from_user),
        "reversals": handover.reversals.select_related("created_by"),
        "sees_all": handover_sees_all_items(request.user, handover),
        "reverse_form": ReverseForm(),
    }
    return render(request, "handovers/detail.html", context)


@require_POST
def handover_reverse_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    handover = handover_get_visible(request.user, pk)
    form = ReverseForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        reversal = handover_reverse(handover=handover, actor=request.user, note=note)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(handover.get_absolute_url())
    if reversal.skipped:
        messages.warning(
            request,
            _("已撤销，%(n)s 项在交接后已变动，未撤销。") % {"n": len(reversal.skipped)},
        )
    else:
        messages.success(request, _("交接已撤销。"))
    return redirect(reversal.get_absolute_url())
