"""The merge page (R-ACC-4): pick the duplicate, see what moves, give a reason, confirm."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kam.accounts.forms import AccountMergeForm
from kam.accounts.merging import (
    account_merge,
    account_merge_allowed,
    account_merge_candidates,
    account_merge_preview,
)
from kam.accounts.models import Account
from kam.accounts.rules import account_can_edit
from kam.accounts.selectors import account_detail, account_get_visible
from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest


def merge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    target = account_detail(user, pk)
    if not account_can_edit(user, target):
        raise PermissionDenied
    source: Account | None = None
    if request.method == "POST":
        form = AccountMergeForm(request.POST, user=user, target=target)
        if form.is_valid():
            source = form.cleaned_data["source"]
            try:
                account_merge(
                    source=source,
                    target=target,
                    reason=form.cleaned_data["reason"],
                    actor=user,
                    source_version=form.cleaned_data["source_version"],
                    target_version=form.cleaned_data["target_version"],
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("已将“%(name)s”并入本客户。") % {"name": source.name})
                return redirect(target)
        elif str(request.POST.get("source", "")).isdigit():
            source = account_get_visible(user, int(request.POST["source"]))
    else:
        raw = request.GET.get("source", "")
        if raw.isdigit() and int(raw) != target.pk:
            source = account_get_visible(user, int(raw))
        form = AccountMergeForm(
            user=user,
            target=target,
            initial={
                "source": source.pk if source else None,
                "source_version": source.version if source else None,
                "target_version": target.version,
            },
        )
    query = request.GET.get("q", "")[:100]
    context = {
        "account": target,
        "form": form,
        "source": source,
        "allowed": source is not None and account_merge_allowed(user, source, target),
        "preview": account_merge_preview(source, target) if source is not None else None,
        "candidates": account_merge_candidates(user, target, query),
        "q": query,
    }
    return render(
        request,
        "accounts/merge.html",
        context,
        status=400 if request.method == "POST" else 200,
    )
