"""Keeping the search index in step with the records. The owning apps' services call these
inside their own transactions, so a record and its index entry never disagree."""

from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from django.db import connections, transaction

from kam.accounts.models import Account
from kam.approvals.models import Approval, ApprovalStep
from kam.approvals.registry import approval_type_label
from kam.contacts.models import Contact
from kam.interactions.models import Interaction
from kam.opportunities.models import Opportunity
from kam.quotes.models import QuoteVersion
from kam.search import index
from kam.search.models import DocumentKind, SearchDocument
from kam.search.terms import text_terms


def _upsert(
    *, kind: str, object_id: int, account_id: int, title: str, body: str, occurred_at=None
) -> SearchDocument:
    terms = " ".join(text_terms(f"{title}\n{body}"))
    document, _ = SearchDocument.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={
            "account_id": account_id,
            "title": title[:300],
            "body": body,
            "terms": terms,
            "occurred_at": occurred_at,
        },
    )
    return document


# The fields each document is made of, in the order the *_text functions take them, so the
# bulk rebuild can read plain rows instead of model instances.
ACCOUNT_TEXT_FIELDS = ("name", "credit_code", "city", "province", "description")
CONTACT_TEXT_FIELDS = (
    "name", "title", "department", "phone", "email", "wechat", "background", "character",
    "decision_style", "preferences",
)  # fmt: skip
INTERACTION_TEXT_FIELDS = ("subject", "content", "reception_notes", "outcome", "next_step")
OPPORTUNITY_TEXT_FIELDS = ("name", "number", "customer_lead", "partner_name", "description")


def _account_text(
    name: str, credit_code: str | None, city: str, province: str, description: str
) -> tuple[str, str]:
    return name, " ".join(part for part in [credit_code, city, province, description] if part)


def _contact_text(name: str, title: str, *details: str) -> tuple[str, str]:
    return f"{name} {title}".strip(), " ".join(part for part in details if part)


def _interaction_text(subject: str, *parts: str) -> tuple[str, str]:
    return subject, "\n".join(part for part in parts if part)


def _opportunity_text(name: str, number: str | None, *parts: str) -> tuple[str, str]:
    return name, " ".join(part for part in [number, *parts] if part)


def account_document_text(account: Account) -> tuple[str, str]:
    return _account_text(*(getattr(account, field) for field in ACCOUNT_TEXT_FIELDS))


def contact_document_text(contact: Contact) -> tuple[str, str]:
    return _contact_text(*(getattr(contact, field) for field in CONTACT_TEXT_FIELDS))


def interaction_document_text(interaction: Interaction) -> tuple[str, str]:
    return _interaction_text(*(getattr(interaction, field) for field in INTERACTION_TEXT_FIELDS))


@transaction.atomic
def search_index_account(account: Account) -> SearchDocument:
    title, body = account_document_text(account)
    return _upsert(
        kind=DocumentKind.ACCOUNT, object_id=account.pk, account_id=account.pk,
        title=title, body=body,
    )  # fmt: skip


@transaction.atomic
def search_index_contact(contact: Contact) -> SearchDocument:
    title, body = contact_document_text(contact)
    return _upsert(
        kind=DocumentKind.CONTACT, object_id=contact.pk, account_id=contact.account_id,
        title=title, body=body,
    )  # fmt: skip


@transaction.atomic
def search_index_interaction(interaction: Interaction) -> SearchDocument:
    title, body = interaction_document_text(interaction)
    return _upsert(
        kind=DocumentKind.INTERACTION, object_id=interaction.pk,
        account_id=interaction.account_id, title=title, body=body,
        occurred_at=interaction.occurred_at,
    )  # fmt: skip


@transaction.atomic
def search_index_opportunity(opportunity: Opportunity) -> SearchDocument:
    title, body = _opportunity_text(
        *(getattr(opportunity, field) for field in OPPORTUNITY_TEXT_FIELDS)
    )
    return _upsert(
        kind=DocumentKind.OPPORTUNITY, object_id=opportunity.pk,
        account_id=opportunity.account_id, title=title, body=body,
    )  # fmt: skip


def _quote_text(
    deal_name: str, number: str | None, version_no: int, *terms: str
) -> tuple[str, str]:
    title = f"{deal_name} 报价 V{version_no}"
    return title, " ".join(part for part in [number, *terms] if part)


QUOTE_TEXT_FIELDS = (
    "opportunity__name", "opportunity__number", "version_no", "payment_terms", "delivery_terms",
    "notes",
)  # fmt: skip


@transaction.atomic
def search_index_quote(quote: QuoteVersion) -> SearchDocument:
    values = QuoteVersion.objects.filter(pk=quote.pk).values_list(
        "opportunity__account_id", *QUOTE_TEXT_FIELDS
    )
    account_id, *fields = values.get()
    title, body = _quote_text(*fields)
    return _upsert(
        kind=DocumentKind.QUOTE, object_id=quote.pk, account_id=account_id, title=title, body=body
    )


def _approval_text(title: str, type_label: str, comments: list[str]) -> tuple[str, str]:
    return title, " ".join([type_label, *comments])


@transaction.atomic
def search_index_approval(approval: Approval) -> SearchDocument | None:
    """Approvals about an account are found by their title, type and approvers' comments;
    approvals with no account (none exist yet) are not indexed, as nobody could be shown them."""
    if approval.account_id is None:
        return None
    comments = [c for c in approval.steps.values_list("comment", flat=True) if c]
    title, body = _approval_text(approval.title, approval_type_label(approval.type_code), comments)
    return _upsert(
        kind=DocumentKind.APPROVAL, object_id=approval.pk, account_id=approval.account_id,
        title=title, body=body, occurred_at=approval.submitted_at,
    )  # fmt: skip


@transaction.atomic
def search_remove(*, kind: str, object_id: int) -> None:
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()


RebuildProgress = Callable[[str, int], None]
# One row of search_searchdocument as the bulk insert writes it.
_Row = tuple[str, int, int, str, str, str, Any]

_INSERT = (
    "INSERT INTO search_searchdocument "
    "(kind, object_id, account_id, title, body, terms, occurred_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s)"
)


def _rows(kind: str, batch_size: int) -> Iterator[_Row]:
    """A document row for every record of `kind`, made by the same *_text functions as above.

    Plain value rows, not model instances: at two million interactions that is most of the
    difference between minutes and tens of minutes.
    """
    if kind == DocumentKind.ACCOUNT:
        accounts = Account.objects.order_by("id").values_list("id", *ACCOUNT_TEXT_FIELDS)
        for pk, *fields in accounts.iterator(chunk_size=batch_size):
            yield _row(kind, pk, pk, *_account_text(*fields), None)
    elif kind == DocumentKind.CONTACT:
        contacts = Contact.objects.order_by("id").values_list(
            "id", "account_id", *CONTACT_TEXT_FIELDS
        )
        for pk, account_id, *fields in contacts.iterator(chunk_size=batch_size):
            yield _row(kind, pk, account_id, *_contact_text(*fields), None)
    elif kind == DocumentKind.OPPORTUNITY:
        opportunities = Opportunity.objects.order_by("id").values_list(
            "id", "account_id", *OPPORTUNITY_TEXT_FIELDS
        )
        for pk, account_id, *fields in opportunities.iterator(chunk_size=batch_size):
            yield _row(kind, pk, account_id, *_opportunity_text(*fields), None)
    elif kind == DocumentKind.QUOTE:
        quotes = QuoteVersion.objects.order_by("id").values_list(
            "id", "opportunity__account_id", *QUOTE_TEXT_FIELDS
        )
        for pk, account_id, *fields in quotes.iterator(chunk_size=batch_size):
            yield _row(kind, pk, account_id, *_quote_text(*fields), None)
    elif kind == DocumentKind.APPROVAL:
        yield from _approval_rows(batch_size)
    else:
        interactions = Interaction.objects.order_by("occurred_at", "id").values_list(
            "id", "account_id", "occurred_at", *INTERACTION_TEXT_FIELDS
        )
        for pk, account_id, occurred_at, *fields in interactions.iterator(chunk_size=batch_size):
            yield _row(kind, pk, account_id, *_interaction_text(*fields), occurred_at)


def _approval_rows(batch_size: int) -> Iterator[_Row]:
    from kam.approvals.models import Approval
    from kam.approvals.registry import approval_type_label

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
        yield _row(DocumentKind.APPROVAL, pk, account_id, *text, submitted_at)


@lru_cache(maxsize=20_000)
def _joined_terms(text: str) -> str:
    # Generated (demo/benchmark) data repeats its texts; real notes rarely hit this cache.
    return " ".join(text_terms(text))


def _row(
    kind: str, object_id: int, account_id: int, title: str, body: str, occurred_at: Any
) -> _Row:
    terms = _joined_terms(f"{title}\n{body}")
    return (kind, object_id, account_id, title[:300], body, terms, occurred_at)


@transaction.atomic
def search_rebuild(
    *, batch_size: int = 5000, progress: RebuildProgress | None = None
) -> dict[str, int]:
    """Rebuild every document and the full-text index from the records, from scratch.

    Runs in one transaction: nobody ever sees a half-built index (on SQLite readers keep the
    old one until commit; on PostgreSQL searches wait for the rebuild to finish). Per-row
    index upkeep is suspended during the bulk load and caught up once at the end. Interactions
    are loaded oldest first, so document ids (the result order) follow time.
    """
    connection = connections[SearchDocument.objects.db]
    adapt_datetime = connection.ops.adapt_datetimefield_value
    index.suspend_maintenance(connection)
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        # DELETE, not TRUNCATE: callers may have written rows (deferred FK checks pending) in
        # the same transaction, which PostgreSQL refuses to TRUNCATE under.
        cursor.execute(index.CLEAR)
        for kind in DocumentKind:
            done = 0
            batch: list[_Row] = []
            for row in _rows(kind, batch_size):
                batch.append((*row[:6], adapt_datetime(row[6])))
                if len(batch) >= batch_size:
                    cursor.executemany(_INSERT, batch)
                    done += len(batch)
                    batch = []
                    if progress:
                        progress(kind, done)
            if batch or not done:
                cursor.executemany(_INSERT, batch)
                done += len(batch)
                if progress:
                    progress(kind, done)
            counts[str(kind)] = done
    index.resume_maintenance(connection)
    _joined_terms.cache_clear()
    return counts
