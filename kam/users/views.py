from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.core.http import AuthenticatedHttpRequest
from kam.users.forms import ApiTokenForm
from kam.users.models import ApiToken
from kam.users.services import api_token_create, api_token_revoke


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
