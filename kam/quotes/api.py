"""/api/quotes — the same services, rules and visibility as the pages (R-API-1)."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from kam.core.api import api_user, validation_errors
from kam.quotes.models import DeliveryReview, QuoteVersion
from kam.quotes.pdf import quote_pdf
from kam.quotes.schemas import (
    DetailOut,
    ErrorsOut,
    QuoteCreateIn,
    QuoteListOut,
    QuoteOut,
    QuoteTermsPatch,
    ReviewIn,
    ReviewOut,
    VersionIn,
)
from kam.quotes.selectors import (
    opportunity_get_visible,
    quote_get_visible,
    quotes_for_opportunity,
)
from kam.quotes.services import (
    quote_accept,
    quote_review_record,
    quote_send,
    quote_submit,
    quote_terms_update,
    quote_version_create,
)
from kam.users.models import User

router = Router(tags=["quotes"])

MAX_LIMIT = 100
RESPONSES = {200: QuoteOut, 403: DetailOut, 409: ErrorsOut, 422: ErrorsOut}


def _error_status(error: ValidationError) -> Any:
    """422 with the messages by field; a stale version is a 409 with the standard message."""
    stale = (
        any(e.code == "stale" for e in error.error_list)
        if not hasattr(error, "error_dict")
        else any(e.code == "stale" for errors in error.error_dict.values() for e in errors)
    )
    return Status(409 if stale else 422, {"errors": validation_errors(error)})


def _review_out(review: DeliveryReview) -> dict[str, Any]:
    return {
        "id": review.pk, "quote_id": review.quote_id, "reviewer_id": review.reviewer_id,
        "reviewer": str(review.reviewer), "scope_ok": review.scope_ok,
        "workload_days": f"{review.workload_days:.1f}", "price_ok": review.price_ok,
        "passed": review.passed, "comment": review.comment, "reviewed_at": review.reviewed_at,
    }  # fmt: skip


def _out(quote: QuoteVersion, *, with_lines: bool = True) -> dict[str, Any]:
    money = {
        key: f"{getattr(quote, key):.2f}"
        for key in ("list_total", "discount_total", "net_total", "tax_total", "gross_total",
                    "max_discount_rate")
    }  # fmt: skip
    lines = None
    if with_lines:
        lines = [
            {
                "position": line.position,
                "product_id": line.product_id,
                "product_code": line.product_code,
                "product_name": line.product_name,
                "unit": line.unit,
                "description": line.description,
                "quantity": f"{line.quantity:.2f}",
                "unit_price": f"{line.unit_price:.2f}",
                "discount_rate": f"{line.discount_rate:.2f}",
                "list_amount": f"{line.list_amount:.2f}",
                "net_amount": f"{line.net_amount:.2f}",
                "tax_rate": f"{line.tax_rate:.2f}",
                "tax_amount": f"{line.tax_amount:.2f}",
            }
            for line in quote.lines.all()
        ]
    return {
        "id": quote.pk, "number": quote.number, "opportunity_id": quote.opportunity_id,
        "version_no": quote.version_no, "status": quote.status, "valid_until": quote.valid_until,
        "payment_terms": quote.payment_terms, "delivery_terms": quote.delivery_terms,
        "notes": quote.notes, **money, "discount_approval_id": quote.discount_approval_id,
        "created_by_id": quote.created_by_id, "created_at": quote.created_at,
        "approved_at": quote.approved_at, "sent_at": quote.sent_at,
        "accepted_at": quote.accepted_at, "version": quote.version, "lines": lines,
        "reviews": [_review_out(r) for r in quote.reviews.all()],
    }  # fmt: skip


def _fresh(user: User, quote: QuoteVersion) -> dict[str, Any]:
    return _out(quote_get_visible(user, quote.pk))


class ListFilters(Schema):
    opportunity_id: int
    limit: int = 50
    offset: int = 0


@router.get("/", response=QuoteListOut, summary="The quote versions of one opportunity")
def list_quotes(request: HttpRequest, filters: Query[ListFilters]) -> dict[str, Any]:
    opportunity = opportunity_get_visible(api_user(request), filters.opportunity_id)
    limit = max(1, min(filters.limit, MAX_LIMIT))
    offset = max(0, filters.offset)
    rows = list(quotes_for_opportunity(opportunity)[offset : offset + limit + 1])
    return {
        "items": [_out(q, with_lines=False) for q in rows[:limit]],
        "next_offset": offset + limit if len(rows) > limit else None,
    }


@router.post(
    "/",
    response={201: QuoteOut, 403: DetailOut, 422: ErrorsOut},
    summary="A new version built from the opportunity's current lines",
)
def create_quote(request: HttpRequest, payload: QuoteCreateIn) -> Any:
    user = api_user(request)
    opportunity = opportunity_get_visible(user, payload.opportunity_id)
    data = payload.dict(exclude={"opportunity_id"}, exclude_unset=True)
    if data.get("valid_until", 0) is None:
        data.pop("valid_until")
    try:
        quote = quote_version_create(opportunity=opportunity, actor=user, data=data)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return _error_status(error)
    return Status(201, _fresh(user, quote))


@router.get("/{quote_id}", response=QuoteOut, summary="One version with lines and reviews")
def get_quote(request: HttpRequest, quote_id: int) -> dict[str, Any]:
    return _out(quote_get_visible(api_user(request), quote_id))


@router.patch("/{quote_id}", response=RESPONSES, summary="Change a draft's terms")
def update_quote(request: HttpRequest, quote_id: int, payload: QuoteTermsPatch) -> Any:
    user = api_user(request)
    quote = quote_get_visible(user, quote_id)
    data = payload.dict(exclude={"version"}, exclude_unset=True)
    try:
        quote_terms_update(quote=quote, actor=user, version=payload.version, data=data)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return _error_status(error)
    return Status(200, _fresh(user, quote))


def _transition(
    request: HttpRequest, quote_id: int, payload: VersionIn, service: Callable[..., QuoteVersion]
) -> Any:
    user = api_user(request)
    quote = quote_get_visible(user, quote_id)
    try:
        service(quote=quote, actor=user, version=payload.version)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return _error_status(error)
    return Status(200, _fresh(user, quote))


@router.post(
    "/{quote_id}/submit",
    response=RESPONSES,
    summary="Submit a draft: approved at once, or a discount approval above the threshold",
)
def submit_quote(request: HttpRequest, quote_id: int, payload: VersionIn) -> Any:
    return _transition(request, quote_id, payload, quote_submit)


@router.post(
    "/{quote_id}/send", response=RESPONSES, summary="Mark an approved, reviewed version as sent"
)
def send_quote(request: HttpRequest, quote_id: int, payload: VersionIn) -> Any:
    return _transition(request, quote_id, payload, quote_send)


@router.post("/{quote_id}/accept", response=RESPONSES, summary="The customer accepted it")
def accept_quote(request: HttpRequest, quote_id: int, payload: VersionIn) -> Any:
    return _transition(request, quote_id, payload, quote_accept)


@router.post(
    "/{quote_id}/review",
    response={201: ReviewOut, 403: DetailOut, 422: ErrorsOut},
    summary="The delivery manager's review of scope, workload and price",
)
def review_quote(request: HttpRequest, quote_id: int, payload: ReviewIn) -> Any:
    user = api_user(request)
    quote = quote_get_visible(user, quote_id)
    try:
        review = quote_review_record(quote=quote, actor=user, data=payload.dict())
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return _error_status(error)
    return Status(201, _review_out(review))


@router.get("/{quote_id}/pdf", summary="The printable quote (application/pdf)")
def quote_pdf_download(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = quote_get_visible(api_user(request), quote_id)
    response = HttpResponse(quote_pdf(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="quote-{quote.number}.pdf"'
    return response
