from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.core.http import AuthenticatedHttpRequest
from kam.users.forms import ApiTokenForm, SavedViewForm
from kam.users.models import ApiToken
from kam.users.saved_views import view_columns, view_query
from kam.users.selectors import SAVED_VIEW_LISTS, saved_view_get_own
from kam.users.services import (
    api_token_create,
    api_token_revoke,
    saved_view_delete,
    saved_view_save,
    saved_view_set_default,
)


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "users/login.html"
    redirect_authenticated_user = True


def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = api_token_create(user=request.user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).order_by(
        "-created_at"
    )
    return render(
        request, "users/profile.html", {"form": form, "tokens": tokens, "new_key": new_key}
    )


@require_POST
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token)
    messages.success(request, _("令牌已吊销。"))
    return redirect("users:profile")


# ---- saved views (R-UI-1): one set of endpoints for every list -----------------------------


def _list_url(list_key: str, query_string: str = "") -> str:
    url = reverse(SAVED_VIEW_LISTS[list_key])
    return f"{url}?{query_string}" if query_string else url


def _next_or(request: AuthenticatedHttpRequest, fallback: str) -> str:
    """The `next` URL when it points back into this site; anything else falls back."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
def saved_view_save_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.POST.get("list_key") not in SAVED_VIEW_LISTS:
        return HttpResponseBadRequest(_("未知的列表。"))
    list_key = request.POST["list_key"]
    form = SavedViewForm(request.POST)
    if form.is_valid():
        query_string = view_query(QueryDict(form.cleaned_data["query_string"]))
        try:
            view = saved_view_save(
                user=request.user,
                list_key=list_key,
                name=form.cleaned_data["name"],
                query_string=query_string,
                columns=view_columns(QueryDict(query_string)),
                is_default=form.cleaned_data["is_default"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_list_url(list_key, query_string))
        messages.success(request, _("视图“%(name)s”已保存。") % {"name": view.name})
        return redirect(_list_url(list_key, view.query_string))
    messages.error(request, _("请填写视图名称。"))
    query_string = view_query(QueryDict(request.POST.get("query_string", "")))
    return redirect(_list_url(list_key, query_string))


@require_POST
def saved_view_delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    view = saved_view_get_own(request.user, pk)
    list_key = view.list_key
    saved_view_delete(view=view)
    messages.success(request, _("视图已删除。"))
    return redirect(_next_or(request, _list_url(list_key, "reset=1")))


@require_POST
def saved_view_default_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    view = saved_view_get_own(request.user, pk)
    saved_view_set_default(view=view, is_default=request.POST.get("is_default") == "1")
    return redirect(_next_or(request, _list_url(view.list_key, "reset=1")))
