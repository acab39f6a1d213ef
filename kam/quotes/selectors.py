"""Reads of quotes, always through the visibility of the deal's account (R-SEC-1)."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from kam.accounts.rules import account_visibility_q
from kam.opportunities.models import Opportunity
from kam.quotes.enums import QuoteStatus
from kam.quotes.models import DeliveryReview, QuoteLine, QuoteVersion
from kam.users.models import User


def opportunity_get_visible(user: User, pk: int) -> Opportunity:
    """The deal, or 404 when its account is not visible to `user`."""
    return get_object_or_404(
        Opportunity.objects.filter(account_visibility_q(user, "account__")).select_related(
            "account", "owner", "stage"
        ),
        pk=pk,
    )


def quotes_visible_to(user: User) -> QuerySet[QuoteVersion]:
    return QuoteVersion.objects.filter(account_visibility_q(user, "opportunity__account__"))


def _reviews() -> Any:
    # An Any return: django-stubs types Prefetch by its lookup literal, which a helper can't name.
    return Prefetch(
        "reviews",
        queryset=DeliveryReview.objects.select_related("reviewer").order_by("-reviewed_at", "-pk"),
    )


def quote_get_visible(user: User, pk: int) -> QuoteVersion:
    """One version with its lines and reviews, or 404."""
    return get_object_or_404(
        quotes_visible_to(user)
        .select_related("opportunity__account", "opportunity__owner", "created_by")
        .prefetch_related(
            Prefetch("lines", queryset=QuoteLine.objects.order_by("position", "pk")), _reviews()
        ),
        pk=pk,
    )


def quotes_for_opportunity(opportunity: Opportunity) -> QuerySet[QuoteVersion]:
    """Newest version first, each with its reviews (two queries however many versions)."""
    return (
        QuoteVersion.objects.filter(opportunity=opportunity)
        .select_related("opportunity", "created_by")
        .prefetch_related(_reviews())
        .order_by("-version_no")
    )


def quote_accepted_for(opportunity: Opportunity) -> QuoteVersion | None:
    """The version the customer accepted, with its lines: it fixes the contract's lines and
    amount (the contracts app reads it from here). None while nothing is accepted."""
    return (
        QuoteVersion.objects.filter(opportunity=opportunity, status=QuoteStatus.ACCEPTED)
        .prefetch_related(Prefetch("lines", queryset=QuoteLine.objects.order_by("position", "pk")))
        .first()
    )


def quote_latest_review(quote: QuoteVersion) -> DeliveryReview | None:
    """The review that counts: the most recent (uses prefetched `reviews` when present)."""
    reviews = sorted(quote.reviews.all(), key=lambda r: (r.reviewed_at, r.pk), reverse=True)
    return reviews[0] if reviews else None
