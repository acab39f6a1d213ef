"""Writing one document: from a record's title and body (`upsert`), or from a row made by
one of the *_rows functions, which the bulk rebuild uses too (`write`, `sync`)."""

from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from django.db import transaction

from kam.search.models import SearchDocument
from kam.search.terms import text_terms

RebuildProgress = Callable[[str, int], None]
# One row of search_searchdocument as the bulk insert writes it:
# kind, object_id, account_id, owner_id, url, title, body, terms, occurred_at.
Row = tuple[str, int, int | None, int | None, str, str, str, str, Any]


def upsert(
    *, kind: str, object_id: int, account_id: int, title: str, body: str, occurred_at: Any = None
) -> SearchDocument:
    terms = " ".join(text_terms(f"{title}\n{body}"))
    document = SearchDocument(
        kind=kind, object_id=object_id, account_id=account_id, title=title[:300], body=body,
        terms=terms, occurred_at=occurred_at,
    )  # fmt: skip
    return _save(document, ["account_id", "title", "body", "terms", "occurred_at"])


# One INSERT … ON CONFLICT DO UPDATE (the update fires the index triggers as a plain UPDATE
# would); update_or_create took a savepoint, a locking SELECT and a nested savepoint per insert.
def _save(document: SearchDocument, fields: list[str]) -> SearchDocument:
    SearchDocument.objects.bulk_create(
        [document], update_conflicts=True, unique_fields=["kind", "object_id"],
        update_fields=fields,
    )  # fmt: skip
    return document


def user_name(display_name: str | None, username: str | None) -> str:
    return display_name or username or ""


@lru_cache(maxsize=20_000)
def joined_terms(text: str) -> str:
    # Generated (demo/benchmark) data repeats its texts; real notes rarely hit this cache.
    return " ".join(text_terms(text))


def row(
    kind: str,
    object_id: int,
    account_id: int | None,
    title: str,
    body: str,
    occurred_at: Any,
    *,
    owner_id: int | None = None,
    url: str = "",
) -> Row:
    terms = joined_terms(f"{title}\n{body}")
    return (kind, object_id, account_id, owner_id, url, title[:300], body, terms, occurred_at)


def write(values: Row) -> SearchDocument:
    kind, object_id, account_id, owner_id, url, title, body, terms, occurred_at = values
    document = SearchDocument(
        kind=kind, object_id=object_id, account_id=account_id, owner_id=owner_id, url=url,
        title=title, body=body, terms=terms, occurred_at=occurred_at,
    )  # fmt: skip
    return _save(
        document, ["account_id", "owner_id", "url", "title", "body", "terms", "occurred_at"]
    )


def sync(kind: str, object_id: int, rows: Iterator[Row]) -> SearchDocument | None:
    """Write the document `rows` yields for one record, or forget it when there is none."""
    for found in rows:
        return write(found)
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()
    return None


@transaction.atomic
def search_remove(*, kind: str, object_id: int) -> None:
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()
