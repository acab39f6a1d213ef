"""Deals, their quote versions, and approvals."""

from collections.abc import Iterator

from django.db import transaction

from kam.approvals.models import Approval, ApprovalStep
from kam.approvals.registry import approval_type_label
from kam.intents.models import IntentChange
from kam.opportunities.models import Opportunity
from kam.quotes.models import QuoteVersion
from kam.reviews.models import ReviewItem
from kam.search.models import DocumentKind, SearchDocument
from kam.search.services.common import Row, row, upsert
from kam.search.services.notes import rewrite_notes_about

OPPORTUNITY_TEXT_FIELDS = ("name", "number", "customer_lead", "partner_name", "description")
QUOTE_TEXT_FIELDS = (
    "opportunity__name", "opportunity__number", "version_no", "payment_terms", "delivery_terms",
    "notes",
)  # fmt: skip


def _opportunity_text(name: str, number: str | None, *parts: str) -> tuple[str, str]:
    return name, " ".join(part for part in [number, *parts] if part)


def _quote_text(
    deal_name: str, number: str | None, version_no: int, *terms: str
) -> tuple[str, str]:
    title = f"{deal_name} 报价 V{version_no}"
    return title, " ".join(part for part in [number, *terms] if part)


def _approval_text(title: str, type_label: str, comments: list[str]) -> tuple[str, str]:
    return title, " ".join([type_label, *comments])


@transaction.atomic(savepoint=False)
def search_index_opportunity(opportunity: Opportunity) -> SearchDocument:
    title, body = _opportunity_text(
        *(getattr(opportunity, field) for field in OPPORTUNITY_TEXT_FIELDS)
    )
    document = upsert(
        kind=DocumentKind.OPPORTUNITY, object_id=opportunity.pk,
        account_id=opportunity.account_id, title=title, body=body,
    )  # fmt: skip
    # Its class changes and review notes carry its name and account: keep them in step.
    rewrite_notes_about(
        IntentChange.objects.filter(opportunity_id=opportunity.pk),
        ReviewItem.objects.filter(opportunity_id=opportunity.pk),
    )
    return document


@transaction.atomic(savepoint=False)
def search_index_quote(quote: QuoteVersion) -> SearchDocument:
    values = QuoteVersion.objects.filter(pk=quote.pk).values_list(
        "opportunity__account_id", *QUOTE_TEXT_FIELDS
    )
    account_id, *fields = values.get()
    title, body = _quote_text(*fields)
    return upsert(
        kind=DocumentKind.QUOTE, object_id=quote.pk, account_id=account_id, title=title, body=body
    )


@transaction.atomic(savepoint=False)
def search_index_approval(approval: Approval) -> SearchDocument | None:
    """Approvals about an account are found by their title, type and approvers' comments;
    approvals with no account (none exist yet) are not indexed, as nobody could be shown them."""
    if approval.account_id is None:
        return None
    comments = [c for c in approval.steps.values_list("comment", flat=True) if c]
    title, body = _approval_text(approval.title, approval_type_label(approval.type_code), comments)
    return upsert(
        kind=DocumentKind.APPROVAL, object_id=approval.pk, account_id=approval.account_id,
        title=title, body=body, occurred_at=approval.submitted_at,
    )  # fmt: skip


def opportunity_rows(batch_size: int) -> Iterator[Row]:
    opportunities = Opportunity.objects.order_by("id").values_list(
        "id", "account_id", *OPPORTUNITY_TEXT_FIELDS
    )
    for pk, account_id, *fields in opportunities.iterator(chunk_size=batch_size):
        yield row(DocumentKind.OPPORTUNITY, pk, account_id, *_opportunity_text(*fields), None)


def quote_rows(batch_size: int) -> Iterator[Row]:
    quotes = QuoteVersion.objects.order_by("id").values_list(
        "id", "opportunity__account_id", *QUOTE_TEXT_FIELDS
    )
    for pk, account_id, *fields in quotes.iterator(chunk_size=batch_size):
        yield row(DocumentKind.QUOTE, pk, account_id, *_quote_text(*fields), None)


def approval_rows(batch_size: int) -> Iterator[Row]:
    comments: dict[int, list[str]] = {}
    for approval_id, comment in (
        ApprovalStep.objects.exclude(comment="")
        .order_by("pk")
        .values_list("approval_id", "comment")
    ).iterator(chunk_size=batch_size):
        comments.setdefault(approval_id, []).append(comment)
    approvals = (
        Approval.objects.filter(account__isnull=False)
        .order_by("id")
        .values_list("id", "account_id", "title", "type_code", "submitted_at")
    )
    for pk, account_id, title, type_code, submitted_at in approvals.iterator(chunk_size=batch_size):
        text = _approval_text(title, approval_type_label(type_code), comments.get(pk, []))
        yield row(DocumentKind.APPROVAL, pk, account_id, *text, submitted_at)
