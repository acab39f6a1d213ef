"""Pages for interactions: thin adapters — parse, check, call one service/selector, render."""

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kam.accounts.selectors import account_get_visible
from kam.audit.exports import export_allowed, export_response
from kam.audit.selectors import field_changes_for
from kam.core.http import AuthenticatedHttpRequest
from kam.core.pagination import page_number
from kam.interactions.filters import InteractionFilterForm
from kam.interactions.forms import AccountPickForm, InteractionForm, MultipleFileField
from kam.interactions.list_rows import interaction_rows_html
from kam.interactions.rules import interaction_can_edit, interaction_can_log
from kam.interactions.selectors import (
    TIMELINE_LIMIT,
    account_timeline,
    accounts_loggable_by,
    attachment_get_visible,
    interaction_export_rows,
    interaction_get_detail,
    interaction_list_page,
)
from kam.interactions.services import (
    attachment_add,
    attachment_delete,
    interaction_create,
    interaction_update,
)
from kam.users.saved_views import saved_views, view_query

LIST_KEY = "interactions"


def list(request: AuthenticatedHttpRequest) -> HttpResponse:
    views = saved_views(request, LIST_KEY)
    if default := views.default_redirect():
        return default
    filters = InteractionFilterForm(request.GET or None, user=request.user)
    page = interaction_list_page(
        request.user, page_number(request.GET.get("page")), **filters.selector_kwargs()
    )
    context = {
        "filters": filters,
        "page_obj": page,
        "rows_html": interaction_rows_html(page.object_list),
        "filtered": filters.is_filtered(),
        "can_export": export_allowed(request.user),
        "query_string": view_query(request.GET),
        **views.context(),
    }
    return render(request, "interactions/list.html", context)


_L = gettext_lazy
EXPORT_HEADERS = [
    _L("时间"), _L("客户"), _L("类型"), _L("主题"), _L("客户参与人"), _L("我方参与人"),
    _L("陪访"), _L("陪访人"), _L("记录人"), _L("结果"), _L("下一步"), _L("下一步日期"),
]  # fmt: skip


def export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The list as a spreadsheet: the same filters and visibility as the page (R-SEC-2)."""
    if not export_allowed(request.user):
        raise PermissionDenied
    filters = InteractionFilterForm(request.GET or None, user=request.user)
    rows = interaction_export_rows(request.user, **filters.selector_kwargs())
    return export_response(
        user=request.user,
        what=_("拜访记录"),
        filename="interactions",
        headers=[str(h) for h in EXPORT_HEADERS],
        rows=rows,
        file_format="csv" if request.GET.get("format") == "csv" else "xlsx",
        filters=view_query(request.GET),
    )


def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if "account" not in request.GET:
        return _pick_account(request, AccountPickForm(user=request.user))
    pick = AccountPickForm(request.GET, user=request.user)
    if not pick.is_valid():
        # Not an account the user may log against: invisible ones look missing, others 403.
        try:
            pk = int(request.GET["account"])
        except ValueError:
            return _pick_account(request, pick)
        account_get_visible(request.user, pk)
        raise PermissionDenied
    account = pick.cleaned_data["account"]
    if not interaction_can_log(request.user, account):
        raise PermissionDenied
    form = InteractionForm(
        request.POST or None, request.FILES or None, account=account, actor=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            interaction = interaction_create(
                account=account,
                actor=request.user,
                data=form.service_data(),
                our_participants=form.cleaned_data["our_participants"],
                their_participants=form.cleaned_data["their_participants"],
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("拜访记录已保存。"))
            return redirect(interaction)
    return render(
        request, "interactions/form.html", {"form": form, "account": account, "interaction": None}
    )


def _pick_account(request: AuthenticatedHttpRequest, form: AccountPickForm) -> HttpResponse:
    has_accounts = accounts_loggable_by(request.user, limit=1).exists()
    return render(
        request, "interactions/pick_account.html", {"form": form, "has_accounts": has_accounts}
    )


def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    interaction = interaction_get_detail(request.user, pk)
    return render(
        request,
        "interactions/detail.html",
        {
            "interaction": interaction,
            "can_edit": interaction_can_edit(request.user, interaction),
            "history": field_changes_for(interaction),
            "upload_field": MultipleFileField(required=False).widget.render("files", None),
        },
    )


def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    interaction = interaction_get_detail(request.user, pk)
    if not interaction_can_edit(request.user, interaction):
        raise PermissionDenied
    form = InteractionForm(
        request.POST or None,
        request.FILES or None,
        account=interaction.account,
        actor=request.user,
        instance=interaction,
    )
    if request.method == "POST" and form.is_valid():
        try:
            interaction_update(
                interaction=interaction,
                actor=request.user,
                version=form.cleaned_data["version"],
                data=form.service_data(),
                our_participants=form.cleaned_data["our_participants"],
                their_participants=form.cleaned_data["their_participants"],
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("拜访记录已更新。"))
            return redirect(interaction)
    return render(
        request,
        "interactions/form.html",
        {"form": form, "account": interaction.account, "interaction": interaction},
    )


def _parse_before(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace(" ", "+"))
    except ValueError:
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def for_account(request: AuthenticatedHttpRequest, account_pk: int) -> HttpResponse:
    """The account timeline (R-ACT-3): an htmx fragment for the account page, or a page."""
    account = account_get_visible(request.user, account_pk)
    items = account_timeline(
        account=account, before=_parse_before(request.GET.get("before")), limit=TIMELINE_LIMIT + 1
    )
    context: dict[str, Any] = {
        "account": account,
        "items": items[:TIMELINE_LIMIT],
        "more_before": items[TIMELINE_LIMIT - 1].at.isoformat()
        if len(items) > TIMELINE_LIMIT
        else None,
        "can_log": interaction_can_log(request.user, account),
    }
    template = "interactions/timeline.html"
    if request.headers.get("HX-Request") == "true":
        template += "#timeline"
    return render(request, template, context)


def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    attachment = attachment_get_visible(request.user, pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@require_POST
def attachment_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    interaction = interaction_get_detail(request.user, pk)
    field = MultipleFileField(required=True)
    try:
        files = field.clean(request.FILES.getlist("files"))
        attachment_add(interaction=interaction, actor=request.user, files=files)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("附件已上传。"))
    return redirect(interaction)


@require_POST
def attachment_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attachment = attachment_get_visible(request.user, pk)
    attachment_delete(attachment=attachment, actor=request.user)
    messages.success(request, _("附件已删除。"))
    return redirect(attachment.interaction)
