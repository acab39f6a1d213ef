from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from kam.accounts.selectors import accounts_visible_to
from kam.contacts.selectors import engagement_plans_overdue
from kam.core.http import AuthenticatedHttpRequest
from kam.interactions.selectors import interactions_visible_to


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    my_accounts = accounts_visible_to(user).filter(owner=user)
    context = {
        "my_account_count": my_accounts.count(),
        "flagged_accounts": my_accounts.filter(personnel_change_at__isnull=False).only(
            "id", "name", "personnel_change_at"
        )[:10],
        "recent_interactions": interactions_visible_to(user)
        .select_related("account", "created_by")
        .only(
            "id",
            "subject",
            "kind",
            "occurred_at",
            "account__id",
            "account__name",
            "created_by__username",
            "created_by__display_name",
        )[:10],
        "overdue_touches": engagement_plans_overdue(user)[:10],
    }
    return render(request, "core/home.html", context)


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
