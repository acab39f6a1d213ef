"""The account's history — field changes, grades, owners, merges: an htmx fragment the account
page loads after it has rendered (keeping the page within its query budget), or a page of its
own when opened directly."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kam.accounts.merging import account_merges
from kam.accounts.selectors import account_get_visible, account_grade_history, account_owner_history
from kam.audit.selectors import field_changes_for
from kam.core.http import AuthenticatedHttpRequest

FIELD_CHANGES_SHOWN = 50


@require_GET
def history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = account_get_visible(request.user, pk)
    context = {
        "account": account,
        "field_changes": field_changes_for(account, limit=FIELD_CHANGES_SHOWN),
        "grade_history": account_grade_history(account),
        "owner_history": account_owner_history(account),
        "merges": account_merges(account),
        # The fragment replaces the field-history card; the other lists go to their own cards.
        "oob": bool(request.htmx),
    }
    template = "accounts/history.html"
    if request.htmx:
        template += "#history"
    return render(request, template, context)
