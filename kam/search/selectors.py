"""Reading the search index: visibility first, then the full-text match, newest first."""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kam.accounts.rules import account_visibility_q, owner_scope_ids
from kam.billing.rules import billing_sees_all
from kam.search import index
from kam.search.models import DocumentKind, SearchDocument
from kam.search.terms import highlight_needles, query_plan
from kam.users.models import User

SNIPPET_RADIUS = 40
MAX_LIMIT = 100
MAX_QUERY_LENGTH = 200

_CJK_START = re.compile(r"[^0-9a-z]", re.IGNORECASE)

_DETAIL_URLS = {
    DocumentKind.ACCOUNT: "accounts:detail",
    DocumentKind.CONTACT: "contacts:detail",
    DocumentKind.INTERACTION: "interactions:detail",
    DocumentKind.OPPORTUNITY: "opportunities:detail",
    DocumentKind.QUOTE: "quotes:detail",
    DocumentKind.APPROVAL: "approvals:detail",
    DocumentKind.LEAD: "leads:detail",
    DocumentKind.CONTRACT: "contracts:detail",
    DocumentKind.RECEIPT: "billing:receipt",
}

# Finance collects, so it sees every contract, invoice and receipt (kam.billing.rules), and
# only those: not the visits or people of accounts it could not otherwise see.
MONEY_KINDS = (DocumentKind.CONTRACT, DocumentKind.INVOICE, DocumentKind.RECEIPT)


def _hit_url(document: SearchDocument) -> str:
    if document.url:
        return document.url
    if document.kind == DocumentKind.POOL:
        return reverse("accounts:detail", args=[document.account_id])
    return reverse(_DETAIL_URLS[DocumentKind(document.kind)], args=[document.object_id])


@dataclass(frozen=True)
class SearchHit:
    id: int
    kind: str
    kind_label: str
    object_id: int
    account_id: int | None
    account_name: str
    title: str
    title_html: SafeString
    snippet: SafeString
    occurred_at: datetime | None
    url: str


@dataclass(frozen=True)
class SearchResults:
    hits: list[SearchHit]
    next_before_id: int | None

    def __iter__(self) -> Iterator[SearchHit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def count_by_kind(self) -> dict[str, int]:
        counts = dict.fromkeys(DocumentKind.values, 0)
        for hit in self.hits:
            counts[hit.kind] += 1
        return counts


def _needle_pattern(query: str) -> re.Pattern[str] | None:
    needles = highlight_needles(query)
    if not needles:
        return None
    # Latin words match from a word's start (as the index does), Chinese anywhere.
    alternatives = [
        re.escape(n) if _CJK_START.match(n) else r"(?<![0-9a-z])" + re.escape(n) for n in needles
    ]
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _mark(text: str, pattern: re.Pattern[str] | None) -> SafeString:
    """`text` HTML-escaped, with every match of `pattern` wrapped in <mark>."""
    if pattern is None:
        return escape(text)
    out: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        out.append(escape(text[position : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above was escaped


def snippet(text: str, query: str, radius: int = SNIPPET_RADIUS) -> SafeString:
    """About `radius` characters either side of the first match, escaped and highlighted."""
    text = " ".join((text or "").split())
    pattern = _needle_pattern(query)
    first = pattern.search(text) if pattern else None
    if first is None:
        cut = text[: radius * 2]
        return _mark(cut + ("…" if len(text) > len(cut) else ""), pattern)
    start = max(0, first.start() - radius)
    end = min(len(text), first.end() + radius)
    piece = text[start:end]
    marked = _mark(piece, pattern)
    return mark_safe(("…" if start > 0 else "") + marked + ("…" if end < len(text) else ""))  # noqa: S308


def document_visibility_q(user: User) -> Q:
    """Documents of an account are seen exactly when the account is; documents without one
    (a lead before it has an account, and notes about it) by their owner's reporting line;
    contracts, invoices and receipts also by whoever sees all money (finance).

    The account condition is guarded by `account__isnull=False`: it admits pool accounts
    (`account__owner__isnull`), which a missing account would satisfy through the outer join.
    """
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.sees_everything:
        return Q()
    visible = Q(account__isnull=False) & account_visibility_q(user, prefix="account__") | Q(
        account__isnull=True, owner_id__in=owner_scope_ids(user)
    )
    if billing_sees_all(user):
        visible |= Q(kind__in=MONEY_KINDS)
    return visible


def search_query(
    *,
    user: User,
    q: str,
    kinds: Iterable[str] | None = None,
    limit: int = 20,
    before_id: int | None = None,
) -> SearchResults:
    """Documents `user` may see that contain every part of `q`, newest first.

    One query: visibility and kind filters plus the full-text condition, ordered by document id
    descending (the index's natural order, stable for "more" paging via `before_id`); one row
    more than `limit` tells whether there is a next page, so there is never a COUNT.
    """
    q = q[:MAX_QUERY_LENGTH]
    phrases = query_plan(q)
    if not phrases:
        return SearchResults(hits=[], next_before_id=None)
    limit = max(1, min(int(limit), MAX_LIMIT))
    kinds = list(kinds or [])
    # Someone who sees everything, across all kinds, wants simply the newest matches: let the
    # index stop after `limit + 1` (the visibility filter below still applies regardless).
    newest = limit + 1 if getattr(user, "sees_everything", False) and not kinds else None
    condition, params = index.match_filter(
        connection.vendor, phrases, newest=newest, before_id=before_id
    )
    documents = SearchDocument.objects.filter(document_visibility_q(user))
    # Fixed SQL; the user's text is only ever a bound parameter.
    documents = documents.filter(RawSQL(condition, params, output_field=BooleanField()))  # noqa: S611
    if kinds:
        documents = documents.filter(kind__in=kinds)
    if before_id is not None:
        documents = documents.filter(pk__lt=before_id)
    rows = list(
        documents.select_related("account")
        .only(
            "id",
            "kind",
            "object_id",
            "title",
            "body",
            "occurred_at",
            "url",
            "account__id",
            "account__name",
        )
        .order_by("-id")[: limit + 1]
    )
    labels = dict(DocumentKind.choices)
    pattern = _needle_pattern(q)
    hits = []
    for document in rows[:limit]:
        hits.append(
            SearchHit(
                id=document.pk,
                kind=document.kind,
                kind_label=str(labels.get(document.kind, document.kind)),
                object_id=document.object_id,
                account_id=document.account_id,
                account_name=document.account.name if document.account else "",
                title=document.title,
                title_html=_mark(document.title, pattern),
                snippet=snippet(document.body, q),
                occurred_at=document.occurred_at,
                url=_hit_url(document),
            )
        )
    next_before_id = hits[-1].id if len(rows) > limit else None
    return SearchResults(hits=hits, next_before_id=next_before_id)
