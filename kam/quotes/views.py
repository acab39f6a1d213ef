"""Quote pages: thin adapters over kam.quotes forms, selectors and services."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kam.audit.selectors import field_changes_for
from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.core.pagination import page_number, paginate
from kam.opportunities.models import Opportunity
from kam.quotes.enums import REVIEWABLE_STATUSES, QuoteStatus
from kam.quotes.forms import DeliveryReviewForm, QuoteTermsForm, VersionForm, quote_terms_initial
from kam.quotes.models import QuoteVersion
from kam.quotes.pdf import quote_pdf
from kam.quotes.rules import quote_can_manage, quote_can_review
from kam.quotes.selectors import (
    opportunity_get_visible,
    quote_get_visible,
    quote_latest_review,
    quotes_for_opportunity,
)
from kam.quotes.services import (
    discount_threshold,
    quote_accept,
    quote_decline,
    quote_reopen,
    quote_review_record,
    quote_send,
    quote_submit,
    quote_terms_update,
    quote_version_create,
)
from kam.users.models import User

Action = Callable[..., QuoteVersion]
type StrOrPromise = str | Promise
ACTIONS: dict[str, tuple[Action, StrOrPromise]] = {
    "submit": (quote_submit, gettext_lazy("报价已提交。")),
    "send": (quote_send, gettext_lazy("报价已标记为发送客户。")),
    "accept": (quote_accept, gettext_lazy("已记录客户接受该版本报价。")),
    "decline": (quote_decline, gettext_lazy("已记录客户拒绝该版本报价。")),
    "reopen": (quote_reopen, gettext_lazy("报价已退回草稿。")),
}


def _opportunity_url(opportunity: Opportunity) -> str:
    # The opportunity page belongs to another app; until it exists the quotes page stands in.
    try:
        return opportunity.get_absolute_url()
    except NoReverseMatch:
        return reverse("quotes:for_opportunity", args=[opportunity.pk])


def _error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


@require_GET
def for_opportunity(request: AuthenticatedHttpRequest, opportunity_pk: int) -> HttpResponse:
    """The quotes panel of the opportunity page (htmx), or a page of its own."""
    opportunity = opportunity_get_visible(request.user, opportunity_pk)
    page = paginate(quotes_for_opportunity(opportunity), page_number(request.GET.get("page")))
    context = {
        "opportunity": opportunity,
        "opportunity_url": _opportunity_url(opportunity),
        "page_obj": page,
        "quotes": [(q, quote_latest_review(q)) for q in page.object_list],
        "can_manage": quote_can_manage(request.user, opportunity),
        "can_review": quote_can_review(request.user, opportunity),
        "reviewable": REVIEWABLE_STATUSES,
    }
    template = "quotes/for_opportunity.html"
    if request.headers.get("HX-Request") == "true":
        template += "#panel"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest, opportunity_pk: int) -> HttpResponse:
    opportunity = opportunity_get_visible(request.user, opportunity_pk)
    if not quote_can_manage(request.user, opportunity):
        raise PermissionDenied
    form = QuoteTermsForm(request.POST if request.method == "POST" else None, with_version=False)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.service_data().items() if k != "valid_until" or v}
        try:
            quote = quote_version_create(opportunity=opportunity, actor=request.user, data=data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("已生成第 %(no)s 版报价。") % {"no": quote.version_no})
            return redirect(quote.get_absolute_url())
    status = 422 if request.method == "POST" else 200
    context = {
        "opportunity": opportunity,
        "opportunity_url": _opportunity_url(opportunity),
        "form": form,
    }
    return render(request, "quotes/create.html", context, status=status)


def _detail_context(
    user: User,
    quote: QuoteVersion,
    *,
    terms_form: QuoteTermsForm | None = None,
    review_form: DeliveryReviewForm | None = None,
) -> dict[str, Any]:
    opportunity = quote.opportunity
    can_manage = quote_can_manage(user, opportunity)
    can_review = quote.status in REVIEWABLE_STATUSES and quote_can_review(user, opportunity)
    editable = can_manage and quote.status == QuoteStatus.DRAFT
    return {
        "quote": quote,
        "opportunity": opportunity,
        "opportunity_url": _opportunity_url(opportunity),
        "lines": list(quote.lines.all()),
        "reviews": list(quote.reviews.all()),
        "latest_review": quote_latest_review(quote),
        "can_manage": can_manage,
        "can_review": can_review,
        "terms_form": terms_form
        or (QuoteTermsForm(initial=quote_terms_initial(quote)) if editable else None),
        "review_form": review_form or (DeliveryReviewForm() if can_review else None),
        "threshold": discount_threshold(),
        "field_changes": field_changes_for(quote),
        "statuses": QuoteStatus,
    }


@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    quote = quote_get_visible(request.user, pk)
    return render(request, "quotes/detail.html", _detail_context(request.user, quote))


@require_POST
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    quote = quote_get_visible(request.user, pk)
    if not quote_can_manage(request.user, quote.opportunity):
        raise PermissionDenied
    form = QuoteTermsForm(request.POST)
    if form.is_valid():
        try:
            quote_terms_update(
                quote=quote,
                actor=request.user,
                version=form.cleaned_data["version"] or 0,
                data=form.service_data(),
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("报价条款已保存。"))
            return redirect(quote.get_absolute_url())
    context = _detail_context(request.user, quote, terms_form=form)
    return render(request, "quotes/detail.html", context, status=422)


@require_POST
def action(request: AuthenticatedHttpRequest, pk: int, name: str) -> HttpResponse:
    """Submit, send, accept, decline or reopen — each a service taking the version."""
    quote = quote_get_visible(request.user, pk)
    if name not in ACTIONS:
        raise Http404
    service, done = ACTIONS[name]
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请求无效，请刷新后重试。"))
        return redirect(quote.get_absolute_url())
    try:
        quote = service(quote=quote, actor=request.user, version=form.cleaned_data["version"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, str(done))
        if quote.status == QuoteStatus.PENDING_DISCOUNT_APPROVAL:
            messages.info(request, _("折扣超出权限，已发起折扣审批。"))
    return redirect(quote.get_absolute_url())


@require_POST
def review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    quote = quote_get_visible(request.user, pk)
    if not quote_can_review(request.user, quote.opportunity):
        raise PermissionDenied
    form = DeliveryReviewForm(request.POST)
    if form.is_valid():
        try:
            quote_review_record(quote=quote, actor=request.user, data=form.service_data())
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("交付评审已记录。"))
            return redirect(quote.get_absolute_url())
    context = _detail_context(request.user, quote, review_form=form)
    return render(request, "quotes/detail.html", context, status=422)


@require_GET
def pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    quote = quote_get_visible(request.user, pk)
    response = HttpResponse(quote_pdf(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="quote-{quote.number}.pdf"'
    return response
