"""The full-text index beside SearchDocument, one implementation per database.

SQLite: an FTS5 external-content table `search_fts` over `search_searchdocument.terms`, kept in
step by triggers. PostgreSQL: a `tsv` tsvector column filled by a trigger from the same terms
(with positions, so phrases work) and a GIN index. Either way the text-search parser never sees
raw Chinese: it only sees our own space-separated terms (see kam.search.terms), and queries are
built from the same terms, so both databases answer identically.

The migration creates these objects; `search_rebuild` drops and recreates the triggers/index
around a bulk load. Both use the statements below, so they cannot drift.
"""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from kam.search.terms import Phrase


class UnsupportedDatabase(Exception):
    """KAM's search index exists for SQLite and PostgreSQL only."""

    def __init__(self, vendor: str) -> None:
        super().__init__(f"search supports SQLite and PostgreSQL, not {vendor}")


SQLITE_CREATE_TABLE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "terms, content='search_searchdocument', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='1 2')"
)
SQLITE_DROP_TABLE = "DROP TABLE IF EXISTS search_fts"
SQLITE_CREATE_TRIGGERS = [
    """CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, terms) VALUES (new.id, new.terms);
    END""",
    """CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.id, old.terms);
    END""",
    """CREATE TRIGGER search_fts_update AFTER UPDATE OF terms ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.id, old.terms);
        INSERT INTO search_fts(rowid, terms) VALUES (new.id, new.terms);
    END""",
]
SQLITE_DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_update",
]
SQLITE_REBUILD = "INSERT INTO search_fts(search_fts) VALUES ('rebuild')"

# PostgreSQL positions stop at 16383; terms past that would all share the last position and
# break phrase matching, so very long documents are indexed up to that point.
# Terms are CJK characters and [0-9a-z] only, but quote defensively anyway: a tsvector lexeme
# is single-quoted with '' and \\ escapes. Written without percent signs (driver placeholders).
PG_CREATE_FUNCTIONS = [
    """CREATE FUNCTION search_terms_tsvector(terms text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce((
            SELECT string_agg(
                '''' || replace(replace(t, E'\\\\', E'\\\\\\\\'), '''', '''''') || ''':' || i,
                ' ')
            FROM unnest((string_to_array(terms, ' '))[1:16383])
                WITH ORDINALITY AS x(t, i)
            WHERE t <> ''
        ), '')::tsvector
    $$""",
    """CREATE FUNCTION search_document_tsv() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.tsv := search_terms_tsvector(NEW.terms);
        RETURN NEW;
    END
    $$""",
]
PG_DROP_FUNCTIONS = [
    "DROP FUNCTION IF EXISTS search_document_tsv()",
    "DROP FUNCTION IF EXISTS search_terms_tsvector(text)",
]
PG_ADD_COLUMN = "ALTER TABLE search_searchdocument ADD COLUMN tsv tsvector"
PG_DROP_COLUMN = "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv"
PG_CREATE_TRIGGER = (
    "CREATE TRIGGER search_document_tsv BEFORE INSERT OR UPDATE OF terms "
    "ON search_searchdocument FOR EACH ROW EXECUTE FUNCTION search_document_tsv()"
)
PG_DROP_TRIGGER = "DROP TRIGGER IF EXISTS search_document_tsv ON search_searchdocument"
PG_CREATE_INDEX = "CREATE INDEX search_document_tsv_gin ON search_searchdocument USING gin (tsv)"
PG_DROP_INDEX = "DROP INDEX IF EXISTS search_document_tsv_gin"
PG_FILL = "UPDATE search_searchdocument SET tsv = search_terms_tsvector(terms)"

CLEAR = "DELETE FROM search_searchdocument"


def create_index(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in [SQLITE_CREATE_TABLE, *SQLITE_CREATE_TRIGGERS, SQLITE_REBUILD]:
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            for sql in [
                PG_ADD_COLUMN, *PG_CREATE_FUNCTIONS, PG_CREATE_TRIGGER, PG_FILL, PG_CREATE_INDEX,
            ]:  # fmt: skip
                cursor.execute(sql)
        else:  # pragma: no cover - only the two supported databases
            raise UnsupportedDatabase(connection.vendor)


def drop_index(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in [*SQLITE_DROP_TRIGGERS, SQLITE_DROP_TABLE]:
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            for sql in [PG_DROP_INDEX, PG_DROP_TRIGGER, *PG_DROP_FUNCTIONS, PG_DROP_COLUMN]:
                cursor.execute(sql)


def suspend_maintenance(connection: BaseDatabaseWrapper, *, tsv_given: bool = False) -> None:
    """Before a bulk load: stop per-row index upkeep (resume_maintenance catches up).

    `tsv_given` (PostgreSQL): the loader writes the `tsv` column itself (see `tsvector_text`),
    so the per-row trigger is dropped too; pass the same flag to resume_maintenance.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in SQLITE_DROP_TRIGGERS:
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            # The GIN index is built once at the end; the trigger stays unless tsv is given.
            cursor.execute(PG_DROP_INDEX)
            if tsv_given:
                cursor.execute(PG_DROP_TRIGGER)


def resume_maintenance(connection: BaseDatabaseWrapper, *, tsv_given: bool = False) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in [*SQLITE_CREATE_TRIGGERS, SQLITE_REBUILD]:
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            if tsv_given:
                cursor.execute(PG_DROP_TRIGGER)
                cursor.execute(PG_CREATE_TRIGGER)
            # CREATE INDEX refuses to run while deferred FK checks of the rows just loaded are
            # pending: run those checks now, then go back to Django's deferred default.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(PG_CREATE_INDEX)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def tsvector_text(terms: str) -> str:
    """What `search_terms_tsvector(terms)` builds before its cast: the same text, in Python.

    A bulk loader can send it as the `tsv` column (PostgreSQL parses it identically) instead of
    running the trigger per row. Keep in step with PG_CREATE_FUNCTIONS.
    """
    return " ".join(
        f"{_tsquery_lexeme(term)}:{position}"
        for position, term in enumerate(terms.split(" ")[:16383], 1)
        if term
    )


def _fts5_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _tsquery_lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def match_expression(vendor: str, phrases: list[Phrase]) -> str:
    """The query literal for the vendor's index: all phrases, each consecutive terms."""
    if vendor == "sqlite":
        # "a b c" is an FTS5 phrase; a trailing * makes its last term a prefix.
        return " AND ".join(
            _fts5_string(" ".join(p.terms)) + (" *" if p.prefix_last else "") for p in phrases
        )
    if vendor == "postgresql":
        parts = []
        for phrase in phrases:
            lexemes = [_tsquery_lexeme(t) for t in phrase.terms]
            if phrase.prefix_last:
                lexemes[-1] += ":*"
            parts.append("(" + " <-> ".join(lexemes) + ")")
        return " & ".join(parts)
    raise UnsupportedDatabase(vendor)  # pragma: no cover


def match_filter(
    vendor: str,
    phrases: list[Phrase],
    *,
    newest: int | None = None,
    before_id: int | None = None,
) -> tuple[str, list[Any]]:
    """A WHERE fragment on search_searchdocument (and its params) for documents matching.

    `newest`: the caller wants only the newest N matches below `before_id` and filters nothing
    else. On SQLite, FTS5 then walks its own rowid order and stops after N instead of handing
    over every match first (for a common word and a user who sees everything).
    """
    expression = match_expression(vendor, phrases)
    if vendor == "sqlite":
        inner = "SELECT rowid FROM search_fts WHERE search_fts MATCH %s"
        params: list[Any] = [expression]
        if newest is not None:
            if before_id is not None:
                inner += " AND rowid < %s"
                params.append(before_id)
            inner += " ORDER BY rowid DESC LIMIT %s"
            params.append(newest)
        return f'"search_searchdocument"."id" IN ({inner})', params
    if vendor == "postgresql":
        return '"search_searchdocument"."tsv" @@ %s::tsquery', [expression]
    raise UnsupportedDatabase(vendor)  # pragma: no cover
