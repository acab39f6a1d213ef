"""Keeping the search index in step with the records. The owning apps' services call these
inside their own transactions, so a record and its index entry never disagree."""

from collections.abc import Callable, Iterator
from functools import lru_cache
from itertools import chain
from typing import Any

from django.db import connections, transaction
from django.db.models import QuerySet
from django.urls import reverse

from kam.accounts.models import Account
from kam.approvals.models import Approval, ApprovalStep
from kam.approvals.registry import approval_type_label
from kam.contacts.models import Contact
from kam.intents.models import IntentChange
from kam.interactions.models import Interaction
from kam.leads.models import Lead
from kam.opportunities.models import Opportunity
from kam.pools.enums import PoolEventKind
from kam.pools.models import PoolEvent
from kam.quotes.models import QuoteVersion
from kam.reviews.models import ReviewComment, ReviewItem
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
    document = _upsert(
        kind=DocumentKind.OPPORTUNITY, object_id=opportunity.pk,
        account_id=opportunity.account_id, title=title, body=body,
    )  # fmt: skip
    # Its class changes and review notes carry its name and account: keep them in step.
    _rewrite_notes_about(
        IntentChange.objects.filter(opportunity_id=opportunity.pk),
        ReviewItem.objects.filter(opportunity_id=opportunity.pk),
    )
    return document


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
# One row of search_searchdocument as the bulk insert writes it:
# kind, object_id, account_id, owner_id, url, title, body, terms, occurred_at.
_Row = tuple[str, int, int | None, int | None, str, str, str, str, Any]

_INSERT = (
    "INSERT INTO search_searchdocument "
    "(kind, object_id, account_id, owner_id, url, title, body, terms, occurred_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
)

# The kinds below are built by one *_rows function each from a queryset, both for the bulk
# rebuild (every record) and for indexing one record (a queryset of that one), so the two can
# never disagree. Titles are indexed data: written in Chinese like the records themselves, not
# in the language of whoever happened to trigger the indexing.
LEAD_TEXT_FIELDS = (
    "company_name", "contact_name", "contact_title", "phone", "situation", "problem",
    "implication", "need_payoff", "budget_note", "authority_note", "need_note", "timeline_note",
    "disqualify_reason",
)  # fmt: skip


def _lead_rows(leads: QuerySet[Lead], batch_size: int) -> Iterator[_Row]:
    """Leads are found by their company, contact and every SPIN/BANT note. One without an
    account belongs to its owner's reporting line (`owner_id`), as on the lead pages."""
    values = leads.order_by("id").values_list("id", "account_id", "owner_id", *LEAD_TEXT_FIELDS)
    for pk, account_id, owner_id, company_name, *parts in values.iterator(chunk_size=batch_size):
        body = "\n".join(part for part in parts if part)
        yield _row(DocumentKind.LEAD, pk, account_id, company_name, body, None, owner_id=owner_id)


def _user_name(display_name: str | None, username: str | None) -> str:
    return display_name or username or ""


def _pool_rows(events: QuerySet[PoolEvent], batch_size: int) -> Iterator[_Row]:
    """A claim, release, recall, assignment or pool move: its kind, pool, reason and the
    hands it passed between. Pool events have no page: the hit opens the account (found from
    `account_id` when shown, so that it follows an account merge)."""
    labels = dict(PoolEventKind.choices)
    values = events.order_by("at", "id").values_list(
        "id", "account_id", "at", "kind", "pool__name", "reason",
        "from_owner__display_name", "from_owner__username",
        "to_owner__display_name", "to_owner__username",
    )  # fmt: skip
    for pk, account_id, at, kind, pool_name, reason, *names in values.iterator(
        chunk_size=batch_size
    ):
        title = f"{labels.get(kind, kind)} · {pool_name}"
        hands = " → ".join(
            name for name in [_user_name(*names[:2]), _user_name(*names[2:])] if name
        )
        body = "\n".join(part for part in [reason, hands] if part)
        yield _row(DocumentKind.POOL, pk, account_id, title, body, at)


def _intent_rows(changes: QuerySet[IntentChange], batch_size: int) -> Iterator[_Row]:
    """A class change of a lead or a deal, shown on (and visible like) its lead or deal."""
    values = changes.order_by("changed_at", "id").values_list(
        "id", "changed_at", "from_class", "to_class", "reason",
        "lead_id", "lead__company_name", "lead__account_id", "lead__owner_id",
        "opportunity_id", "opportunity__name", "opportunity__account_id",
    )  # fmt: skip
    for (
        pk, changed_at, from_class, to_class, reason,
        lead_id, lead_name, lead_account_id, lead_owner_id,
        opportunity_id, opportunity_name, opportunity_account_id,
    ) in values.iterator(chunk_size=batch_size):  # fmt: skip
        if lead_id is not None:
            name, account_id, owner_id = lead_name, lead_account_id, lead_owner_id
            url = reverse("leads:detail", args=[lead_id])
        else:
            name, account_id, owner_id = opportunity_name, opportunity_account_id, None
            url = reverse("opportunities:detail", args=[opportunity_id])
        title = f"{name} 意向等级 {from_class or '—'} → {to_class or '—'}"
        yield _row(
            DocumentKind.INTENT, pk, account_id, title, reason, changed_at,
            owner_id=owner_id, url=url,
        )  # fmt: skip


def _sheet_url(rep_id: int, day: Any) -> str:
    return reverse("reviews:sheet", args=[rep_id, day.isoformat()])


def _review_item_rows(items: QuerySet[ReviewItem], batch_size: int) -> Iterator[_Row]:
    """What the rep wrote on a deal or lead of their daily sheet. Items nobody wrote on are
    only the sheet's snapshot of a record that is indexed itself, so they are left out. The
    document belongs to the deal's or lead's account, else to the rep's reporting line."""
    values = (
        items.exclude(rep_note="", next_step="")
        .order_by("id")
        .values_list(
            "id", "updated_at", "snapshot", "rep_note", "next_step", "sheet__rep_id",
            "sheet__day", "opportunity__account_id", "lead__account_id",
        )
    )  # fmt: skip
    for (
        pk, updated_at, snapshot, rep_note, next_step, rep_id, day,
        opportunity_account_id, lead_account_id,
    ) in values.iterator(chunk_size=batch_size):  # fmt: skip
        name = str(snapshot.get("name") or "")
        title = f"{name} 理单 {day.isoformat()}".strip()
        body = "\n".join(part for part in [rep_note, next_step] if part)
        yield _row(
            DocumentKind.REVIEW, pk, opportunity_account_id or lead_account_id, title, body,
            updated_at, owner_id=rep_id, url=_sheet_url(rep_id, day),
        )  # fmt: skip


def _review_comment_rows(comments: QuerySet[ReviewComment], batch_size: int) -> Iterator[_Row]:
    """A manager's comment on a sheet (then it belongs to the rep's reporting line) or on one
    item (then, like the item, to the deal's or lead's account when there is one)."""
    values = comments.order_by("id").values_list(
        "id", "created_at", "body", "author__display_name", "author__username",
        "sheet__rep_id", "sheet__day", "item__snapshot",
        "item__opportunity__account_id", "item__lead__account_id",
    )  # fmt: skip
    for (
        pk, created_at, body, author_name, author_username, rep_id, day, snapshot,
        opportunity_account_id, lead_account_id,
    ) in values.iterator(chunk_size=batch_size):  # fmt: skip
        about = str((snapshot or {}).get("name") or f"{day.isoformat()} 理单表")
        title = f"{_user_name(author_name, author_username)} 点评：{about}"
        yield _row(
            DocumentKind.REVIEW_COMMENT, pk, opportunity_account_id or lead_account_id, title,
            body, created_at, owner_id=rep_id, url=_sheet_url(rep_id, day),
        )  # fmt: skip


def _write(row: _Row) -> SearchDocument:
    kind, object_id, account_id, owner_id, url, title, body, terms, occurred_at = row
    document, _ = SearchDocument.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={
            "account_id": account_id, "owner_id": owner_id, "url": url, "title": title,
            "body": body, "terms": terms, "occurred_at": occurred_at,
        },
    )  # fmt: skip
    return document


def _sync(kind: str, object_id: int, rows: Iterator[_Row]) -> SearchDocument | None:
    """Write the document `rows` yields for one record, or forget it when there is none."""
    for row in rows:
        return _write(row)
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()
    return None


@transaction.atomic
def search_index_lead(lead: Lead) -> SearchDocument | None:
    """Index a lead and again the documents about it (class changes, review notes), which take
    its name, account and owner: a converted lead's are then seen exactly as its account is.
    A lead has a handful of those, so they are simply rewritten."""
    document = _sync(DocumentKind.LEAD, lead.pk, _lead_rows(Lead.objects.filter(pk=lead.pk), 1))
    _rewrite_notes_about(
        IntentChange.objects.filter(lead_id=lead.pk),
        ReviewItem.objects.filter(lead_id=lead.pk, opportunity__isnull=True),
    )
    return document


def _rewrite_notes_about(changes: QuerySet[IntentChange], items: QuerySet[ReviewItem]) -> None:
    for row in chain(
        _intent_rows(changes, 100),
        _review_item_rows(items, 100),
        _review_comment_rows(ReviewComment.objects.filter(item__in=items), 100),
    ):
        _write(row)


@transaction.atomic
def search_index_pool_event(event: PoolEvent) -> SearchDocument | None:
    events = PoolEvent.objects.filter(pk=event.pk)
    return _sync(DocumentKind.POOL, event.pk, _pool_rows(events, 1))


@transaction.atomic
def search_index_intent_change(change: IntentChange) -> SearchDocument | None:
    changes = IntentChange.objects.filter(pk=change.pk)
    return _sync(DocumentKind.INTENT, change.pk, _intent_rows(changes, 1))


@transaction.atomic
def search_index_review_item(item: ReviewItem) -> SearchDocument | None:
    """Index what the rep wrote on an item; an item whose note was cleared is forgotten."""
    items = ReviewItem.objects.filter(pk=item.pk)
    return _sync(DocumentKind.REVIEW, item.pk, _review_item_rows(items, 1))


@transaction.atomic
def search_index_review_comment(comment: ReviewComment) -> SearchDocument | None:
    comments = ReviewComment.objects.filter(pk=comment.pk)
    return _sync(DocumentKind.REVIEW_COMMENT, comment.pk, _review_comment_rows(comments, 1))


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
    elif kind == DocumentKind.LEAD:
        yield from _lead_rows(Lead.objects.all(), batch_size)
    elif kind == DocumentKind.POOL:
        yield from _pool_rows(PoolEvent.objects.all(), batch_size)
    elif kind == DocumentKind.INTENT:
        yield from _intent_rows(IntentChange.objects.all(), batch_size)
    elif kind == DocumentKind.REVIEW:
        yield from _review_item_rows(ReviewItem.objects.all(), batch_size)
    elif kind == DocumentKind.REVIEW_COMMENT:
        yield from _review_comment_rows(ReviewComment.objects.all(), batch_size)
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
    kind: str,
    object_id: int,
    account_id: int | None,
    title: str,
    body: str,
    occurred_at: Any,
    *,
    owner_id: int | None = None,
    url: str = "",
) -> _Row:
    terms = _joined_terms(f"{title}\n{body}")
    return (kind, object_id, account_id, owner_id, url, title[:300], body, terms, occurred_at)


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
                batch.append((*row[:8], adapt_datetime(row[8])))
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
