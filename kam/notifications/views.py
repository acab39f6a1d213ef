"""Pages for notifications: the inbox, mark read, and the top-bar badge fragment."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kam.core.http import AuthenticatedHttpRequest
from kam.core.pagination import page_number, paginate
from kam.notifications.selectors import (
    notification_get_for,
    notifications_for,
    notifications_unread_count,
)
from kam.notifications.services import notification_mark_read, notifications_mark_all_read

PER_PAGE = 30


@require_GET
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    rows = notifications_for(request.user, unread_only=unread_only)
    page_obj = paginate(rows, page_number(request.GET.get("page")), per_page=PER_PAGE)
    return render(
        request,
        "notifications/inbox.html",
        {"page_obj": page_obj, "unread_only": unread_only},
    )


@require_POST
def mark_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseRedirect:
    notification = notification_get_for(request.user, pk)
    notification_mark_read(user=request.user, notification=notification)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = reverse("notifications:inbox")
    return redirect(target)


@require_POST
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponseRedirect:
    count = notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": count})
    return redirect("notifications:inbox")


@require_GET
def badge(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = notifications_unread_count(request.user)
    return render(request, "notifications/inbox.html#badge", {"unread_count": count})
