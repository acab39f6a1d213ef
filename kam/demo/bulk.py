"""Bulk-insert helpers for `demo_load --scale`: plain-tuple inserts and search documents.

Rows are tuples in a fixed column order. On PostgreSQL they go through COPY, elsewhere through
`executemany`. Search documents are written beside the records they describe, with the same
title/body/terms `search_rebuild` would compute (tests compare the two), but the terms of the
repeated text pieces are computed once instead of once per row.
"""

import threading
from collections.abc import Iterator, Sequence
from datetime import datetime
from functools import lru_cache
from queue import Full, Queue
from typing import Any

from django.db import connection, models
from django.db.models import Max

from kam.search import index
from kam.search.models import DocumentKind, SearchDocument
from kam.search.terms import text_terms


class BulkTable:
    """INSERT of fixed columns into one model's table, many rows at a time.

    Columns not given get their model default (or NULL, "" or now), so fields added to the
    model later do not break the load.
    """

    def __init__(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        now: datetime,
        raw_columns: Sequence[str] = (),
    ) -> None:
        """`raw_columns`: database columns that are no model field, given after `columns`."""
        quote = connection.ops.quote_name
        fields = [model._meta.get_field(c) for c in columns]
        given = {field.name for field in fields}
        names = [str(field.column) for field in fields if isinstance(field, models.Field)]
        names += raw_columns
        extras: list[Any] = []
        for field in model._meta.concrete_fields:
            if field.name in given or field.primary_key:
                continue
            if field.has_default():
                value = field.get_db_prep_save(field.get_default(), connection)
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = connection.ops.adapt_datetimefield_value(now)
            elif field.null:
                value = None
            elif field.blank and isinstance(field, models.CharField | models.TextField):
                value = ""
            else:
                raise ValueError(f"no value for {model._meta.label}.{field.name}")
            names.append(str(field.column))
            extras.append(value)
        self.extras = tuple(extras)
        table = quote(model._meta.db_table)
        column_list = ", ".join(map(quote, names))
        marks = ", ".join(["%s"] * len(names))
        self.sql = f"INSERT INTO {table} ({column_list}) VALUES ({marks})"  # noqa: S608
        self.copy_sql = f"COPY {table} ({column_list}) FROM STDIN"
        self.copy = connection.vendor == "postgresql"

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if self.extras:
            rows = [row + self.extras for row in rows]
        with connection.cursor() as cursor:
            if self.copy:
                # psycopg's COPY: one round trip per batch instead of a statement per row
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, rows)


def next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


_tsvector_text = lru_cache(maxsize=20_000)(index.tsvector_text)


@lru_cache(maxsize=200_000)
def _piece_terms(text: str) -> str:
    return " ".join(text_terms(text))


def clear_caches() -> None:
    """Forget the memoised terms (after a load: the process may live on, e.g. in tests)."""
    _piece_terms.cache_clear()
    _tsvector_text.cache_clear()


class Unique(str):
    """A text piece that is (nearly) never repeated: its terms are not worth memoising."""

    __slots__ = ()


def _terms(*pieces: str) -> str:
    """The terms of the pieces, in order; repeated pieces' terms come from a cache.

    Pieces are joined by a separator character in the document text, and terms never span a
    separator, so the terms of the whole text are the terms of the pieces in turn.
    """
    parts = [
        " ".join(text_terms(piece)) if isinstance(piece, Unique) else _piece_terms(piece)
        for piece in pieces
        if piece
    ]
    return " ".join(part for part in parts if part)


class SearchRows:
    """SearchDocument rows for the records being loaded (same text as kam.search.services)."""

    def __init__(self, now: datetime) -> None:
        # PostgreSQL: the tsv column is sent too (the trigger is off during the load), made
        # once per distinct terms text: most interaction texts repeat.
        self.tsv_given = connection.vendor == "postgresql"
        self.table = BulkTable(
            SearchDocument,
            ["kind", "object_id", "account_id", "title", "body", "terms", "occurred_at"],
            now,
            raw_columns=["tsv"] if self.tsv_given else [],
        )
        self.rows: list[tuple[Any, ...]] = []

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        if self.tsv_given:
            rows = [(*row, _tsvector_text(row[5])) for row in rows]
        self.table.insert(rows)

    def account(self, pk: int, name: str, credit_code: str, city: str, province: str) -> None:
        # kam.search.services._account_text: name / "credit_code city province description"
        body = " ".join(part for part in (credit_code, city, province) if part)
        terms = _terms(name, Unique(credit_code), city, province)
        self.rows.append((DocumentKind.ACCOUNT.value, pk, pk, name[:300], body, terms, None))

    def contact(
        self, pk: int, account_id: int, name: str, title: str, department: str, phone: str
    ) -> None:
        # kam.search.services._contact_text: "name title" / the non-empty details (the load
        # fills only department and phone)
        body = " ".join(part for part in (department, phone) if part)
        self.rows.append((
            DocumentKind.CONTACT.value, pk, account_id, f"{name} {title}".strip()[:300], body,
            _terms(name, title, department, Unique(phone)), None,
        ))  # fmt: skip

    def flush(self) -> None:
        self.insert(self.rows)
        self.rows = []


def interaction_row(
    pk: int, account_id: int, text: tuple[str, str, str], occurred_at: Any
) -> tuple[Any, ...]:
    """A SearchRows row; `text`: (title, body, terms) from `interaction_text`."""
    title, body, terms = text
    return (DocumentKind.INTERACTION.value, pk, account_id, title, body, terms, occurred_at)


def interaction_text(subject: str, *parts: str) -> tuple[str, str, str]:
    """(title, body, terms) of an interaction document, as kam.search.services builds them."""
    body = "\n".join(part for part in parts if part)
    return subject[:300], body, _terms(subject, *parts)


class SecondaryIndexes:
    """The plain (non-unique) indexes of some tables, dropped for a bulk load.

    Filling a table and then building each index in one sorted pass is much cheaper than
    keeping several indexes up to date row by row once they outgrow the cache. `restore`
    recreates them from their saved definitions, so the schema ends up exactly as before.
    """

    def __init__(self, tables: Sequence[str]) -> None:
        self.saved: list[tuple[str, str]] = []
        self.tables = list(tables)

    def drop(self) -> None:
        marks = ", ".join(["%s"] * len(self.tables))
        if connection.vendor == "sqlite":
            query = (
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608 - placeholders only
                f"AND sql NOT LIKE 'CREATE UNIQUE%%' AND tbl_name IN ({marks}) ORDER BY name"
            )
        elif connection.vendor == "postgresql":
            query = (
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "  # noqa: S608 - placeholders only
                f"AND indexdef NOT LIKE 'CREATE UNIQUE%%' AND tablename IN ({marks}) "
                "ORDER BY indexname"
            )
        else:  # pragma: no cover - only the two supported databases
            return
        with connection.cursor() as cursor:
            cursor.execute(query, self.tables)
            self.saved = cursor.fetchall()
            for name, _sql in self.saved:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")

    def restore(self) -> None:
        with connection.cursor() as cursor:
            postgres = connection.vendor == "postgresql" and self.saved
            if postgres:
                # CREATE INDEX refuses to run while deferred FK checks are pending: run them
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for _name, sql in self.saved:
                cursor.execute(sql)
            if postgres:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        self.saved = []


_END = object()


def in_background[T](items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """`items`, produced by a worker thread up to `depth` ahead of the consumer.

    For pure-Python producers beside database writes: the drivers release the GIL while the
    database works, so generating and writing overlap. The producer must not use the database.
    Its exceptions are raised here; if the consumer stops early, the producer stops too.
    """
    queue: Queue[Any] = Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.5)
                return True
            except Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_END)
        except BaseException as error:  # handed to the consumer, raised there
            put(error)

    worker = threading.Thread(target=produce, name="demo-scale-producer", daemon=True)
    worker.start()
    try:
        while True:
            item = queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


def bulk_set_moments(
    model: type[models.Model], column: str, rows: list[tuple[Any, int]], batch: int
) -> None:
    """Set a datetime `column` row by row from (moment, id) pairs: on PostgreSQL one joined
    UPDATE from a COPY-filled scratch table rather than a statement per row; elsewhere batched
    executemany."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE TEMPORARY TABLE scale_last (at timestamptz, id bigint) ON COMMIT DROP"
            )
            with cursor.cursor.copy("COPY scale_last (at, id) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"UPDATE {table} SET {quote(column)} = scale_last.at "  # noqa: S608
                f"FROM scale_last WHERE {table}.{quote('id')} = scale_last.id"
            )
            cursor.execute("DROP TABLE scale_last")
            return
        sql = f"UPDATE {table} SET {quote(column)} = %s WHERE {quote('id')} = %s"  # noqa: S608
        for start in range(0, len(rows), batch):
            cursor.executemany(sql, rows[start : start + batch])
