from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from kam.audit.models import ExportLog
from kam.core.http import AuthenticatedHttpRequest
from kam.core.pagination import page_number, paginate


def exports(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who exported what, and how many rows (R-SEC-2) — for the GM and admins."""
    if not request.user.sees_everything:
        raise PermissionDenied
    logs = ExportLog.objects.select_related("user").order_by("-created_at", "-pk")
    page = paginate(logs, page_number(request.GET.get("page")))
    return render(request, "audit/exports.html", {"page_obj": page})
