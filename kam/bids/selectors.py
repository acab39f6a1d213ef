"""Reads of bids, always through the opportunity's visibility (its account's)."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from kam.accounts.rules import account_visibility_q
from kam.bids.models import Bid, BidDocumentRequest, BidReview, PostBidNegotiation
from kam.opportunities.models import Opportunity
from kam.users.models import User


def opportunity_get_visible(user: User, pk: int) -> Opportunity:
    return get_object_or_404(
        Opportunity.objects.filter(account_visibility_q(user, "account__")).select_related(
            "account", "owner"
        ),
        pk=pk,
    )


def bids_visible_to(user: User) -> QuerySet[Bid]:
    return Bid.objects.filter(account_visibility_q(user, "opportunity__account__"))


def _with_children(queryset: QuerySet[Bid]) -> QuerySet[Bid]:
    return queryset.prefetch_related(
        Prefetch("reviews", queryset=BidReview.objects.select_related("reviewer").order_by("pk")),
        Prefetch("document_requests", queryset=BidDocumentRequest.objects.order_by("pk")),
        Prefetch("negotiations", queryset=PostBidNegotiation.objects.order_by("-date", "-pk")),
    )


def bid_get_visible(user: User, pk: int) -> Bid:
    return get_object_or_404(
        _with_children(bids_visible_to(user)).select_related(
            "opportunity__account", "opportunity__owner", "created_by"
        ),
        pk=pk,
    )


def bids_for_opportunity(opportunity: Opportunity) -> list[Bid]:
    """The panel's rows, newest first (the caller checked the opportunity is visible)."""
    return list(
        _with_children(Bid.objects.filter(opportunity=opportunity)).order_by("-created_at", "-pk")
    )


def bid_latest(opportunity: Opportunity) -> Bid | None:
    return Bid.objects.filter(opportunity=opportunity).order_by("-created_at", "-pk").first()
