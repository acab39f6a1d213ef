"""/api/bids — the same services and selectors as the pages. Approvals are decided through
the approvals API; these endpoints open, submit and close bids and record their paperwork."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError

from kam.bids.models import Bid
from kam.bids.schemas import (
    BidIn,
    BidListOut,
    BidOut,
    DetailOut,
    DocumentRequestIn,
    ErrorsOut,
    NegotiationIn,
    ResultIn,
    ReviewRequestIn,
    SubmittedIn,
    VersionIn,
)
from kam.bids.selectors import bid_get_visible, bids_for_opportunity, opportunity_get_visible
from kam.bids.services import (
    bid_create,
    bid_document_request_create,
    bid_mark_submitted,
    bid_record_result,
    bid_review_request,
    bid_submit_for_approval,
    negotiation_add,
)
from kam.core.api import api_user, validation_errors
from kam.users.models import User

router = Router(tags=["bids"])
RESPONSES = {200: BidOut, 403: DetailOut, 422: ErrorsOut}


def _out(bid: Bid) -> dict[str, Any]:
    return {
        "id": bid.pk, "opportunity_id": bid.opportunity_id, "tender_number": bid.tender_number,
        "tender_name": bid.tender_name, "deadline": bid.deadline,
        "submitted_on": bid.submitted_on, "bond": f"{bid.bond:.2f}",
        "bid_amount": f"{bid.bid_amount:.2f}", "status": bid.status,
        "result_note": bid.result_note, "competitor_prices": bid.competitor_prices,
        "reviews": [
            {"id": r.pk, "kind": r.kind, "conclusion": r.conclusion,
             "reviewer_id": r.reviewer_id, "comments": r.comments}
            for r in bid.reviews.all()
        ],
        "document_requests": [
            {"id": d.pk, "kinds": d.kinds, "needed_by": d.needed_by,
             "description": d.description, "status": d.status}
            for d in bid.document_requests.all()
        ],
        "negotiations": [
            {"id": n.pk, "date": n.date, "participants": n.participants, "content": n.content,
             "outcome": n.outcome, "next_step": n.next_step}
            for n in bid.negotiations.all()
        ],
        "version": bid.version,
    }  # fmt: skip


def _run(request: HttpRequest, bid_id: int, action: Callable[[Bid, User], Any], ok: int) -> Any:
    user = api_user(request)
    bid = bid_get_visible(user, bid_id)
    try:
        action(bid, user)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    return Status(ok, _out(bid_get_visible(user, bid.pk)))


@router.get(
    "/opportunities/{opportunity_id}", response=BidListOut, summary="Bids of one opportunity"
)
def list_bids(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    opportunity = opportunity_get_visible(api_user(request), opportunity_id)
    return {"items": [_out(b) for b in bids_for_opportunity(opportunity)]}


@router.post(
    "/opportunities/{opportunity_id}",
    response={201: BidOut, 403: DetailOut, 422: ErrorsOut},
    summary="Open a bid (one live bid per opportunity)",
)
def create_bid(request: HttpRequest, opportunity_id: int, payload: BidIn) -> Any:
    user = api_user(request)
    opportunity = opportunity_get_visible(user, opportunity_id)
    try:
        bid = bid_create(opportunity=opportunity, actor=user, data=payload.dict())
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    return Status(201, _out(bid_get_visible(user, bid.pk)))


@router.get("/{bid_id}", response=BidOut, summary="One bid with its reviews and documents")
def get_bid(request: HttpRequest, bid_id: int) -> dict[str, Any]:
    return _out(bid_get_visible(api_user(request), bid_id))


@router.post(
    "/{bid_id}/submit",
    response=RESPONSES,
    summary="Send the bid to approval (needs a level-2 guide on the account)",
)
def submit_bid(request: HttpRequest, bid_id: int, payload: VersionIn) -> Any:
    return _run(
        request, bid_id,
        lambda bid, user: bid_submit_for_approval(bid=bid, actor=user, version=payload.version),
        200,
    )  # fmt: skip


@router.post("/{bid_id}/submitted", response=RESPONSES, summary="Record that the bid went in")
def bid_submitted(request: HttpRequest, bid_id: int, payload: SubmittedIn) -> Any:
    return _run(
        request, bid_id,
        lambda bid, user: bid_mark_submitted(
            bid=bid, actor=user, version=payload.version, submitted_on=payload.submitted_on
        ),
        200,
    )  # fmt: skip


@router.post("/{bid_id}/result", response=RESPONSES, summary="Record won / lost / abandoned")
def bid_result(request: HttpRequest, bid_id: int, payload: ResultIn) -> Any:
    return _run(
        request, bid_id,
        lambda bid, user: bid_record_result(
            bid=bid, actor=user, version=payload.version, status=payload.status,
            note=payload.note, competitor_prices=payload.competitor_prices,
        ),
        200,
    )  # fmt: skip


@router.post(
    "/{bid_id}/documents",
    response={201: BidOut, 403: DetailOut, 422: ErrorsOut},
    summary="Request tender documents and credentials (goes to approval)",
)
def bid_documents(request: HttpRequest, bid_id: int, payload: DocumentRequestIn) -> Any:
    return _run(
        request, bid_id,
        lambda bid, user: bid_document_request_create(
            bid=bid, actor=user, kinds=payload.kinds, needed_by=payload.needed_by,
            description=payload.description,
        ),
        201,
    )  # fmt: skip


@router.post(
    "/{bid_id}/reviews",
    response={201: BidOut, 403: DetailOut, 422: ErrorsOut},
    summary="Ask for the technical or commercial review (goes to approval)",
)
def bid_reviews(request: HttpRequest, bid_id: int, payload: ReviewRequestIn) -> Any:
    return _run(
        request, bid_id,
        lambda bid, user: bid_review_request(
            bid=bid, actor=user, kind=payload.kind, comments=payload.comments
        ),
        201,
    )  # fmt: skip


@router.post(
    "/{bid_id}/negotiations",
    response={201: BidOut, 403: DetailOut, 422: ErrorsOut},
    summary="Add post-bid negotiation notes",
)
def bid_negotiations(request: HttpRequest, bid_id: int, payload: NegotiationIn) -> Any:
    return _run(
        request, bid_id,
        lambda bid, user: negotiation_add(bid=bid, actor=user, data=payload.dict()),
        201,
    )  # fmt: skip
