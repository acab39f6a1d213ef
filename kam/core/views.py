from datetime import timedelta

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from kam.accounts.rules import owner_scope_ids
from kam.accounts.selectors import accounts_visible_to
from kam.contacts.selectors import engagement_plans_overdue
from kam.core.http import AuthenticatedHttpRequest
from kam.interactions.selectors import interactions_recent, interactions_visible_to

RECENT_INTERACTION_FIELDS = [
    "id", "subject", "kind", "occurred_at", "account__id", "account__name",
    "created_by__username", "created_by__display_name",
]  # fmt: skip


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The day's overview for the user and, for a manager, everyone below them."""
    user = request.user
    scope = owner_scope_ids(user)
    scope_accounts = accounts_visible_to(user).filter(owner_id__in=scope)
    flagged = scope_accounts.filter(personnel_change_at__isnull=False)
    overdue = engagement_plans_overdue(user)
    week_ago = timezone.now() - timedelta(days=7)
    context = {
        "leads_a_team": len(scope) > 1,
        "account_count": scope_accounts.count(),
        "overdue_count": overdue.count(),
        "flagged_count": flagged.count(),
        "week_interaction_count": interactions_visible_to(user)
        .filter(account__owner_id__in=scope, occurred_at__gte=week_ago)
        .count(),
        "flagged_accounts": flagged.only("id", "name", "personnel_change_at").order_by(
            "-personnel_change_at"
        )[:10],
        "recent_interactions": interactions_recent(user, 10, RECENT_INTERACTION_FIELDS),
        "overdue_touches": overdue[:10],
    }
    return render(request, "core/home.html", context)


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
