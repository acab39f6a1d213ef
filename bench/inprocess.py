"""Query count and raw-SQL time of one request, measured in this process (not in gunicorn).

The request runs once through Django's test client with the queries captured; then exactly
those SQL statements are executed again with a plain cursor, so page time ÷ raw SQL time shows
how much of a page is the database and how much is Python.

A request that writes (a POST, an export's log entry) runs in a transaction that is rolled
back, and so does each replay of its statements: the database is left as it was, and the
replayed INSERTs get the same ids again, so statements referring to them still match.
"""

import re
import time
import tracemalloc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass

from django.db import connection, transaction
from django.http.response import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.client import RequestFailed
from bench.results import MemoryPeak, median
from bench.writes import Write
from kam.audit.models import ExportLog


@dataclass(frozen=True)
class QueryProfile:
    statements: list[str]
    raw_sql_ms: float

    @property
    def queries(self) -> int:
        return len(self.statements)


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _get(client: Client, path: str, headers: Mapping[str, str] | None = None) -> HttpResponseBase:
    """A GET read to the end. A streamed answer (an export) is consumed, not closed: the test
    client then closes it the way that keeps the database connection open."""
    response = client.get(path, headers=headers)
    if response.streaming:
        for _chunk in response.streaming_content:  # type: ignore[attr-defined]
            pass
    return response


def capture_statements(
    client: Client, path: str, headers: Mapping[str, str] | None = None
) -> list[str]:
    """The SQL of one GET of `path` (every query, session and user lookups included)."""
    with CaptureQueriesContext(connection) as captured:
        response = _get(client, path, headers)
    if response.status_code != 200:
        raise RequestFailed(f"GET {path} answered {response.status_code} in-process")
    return [replayable(query["sql"]) for query in captured.captured_queries]


def capture_write(client: Client, write: Write) -> list[str]:
    """The SQL of one repetition of `write`, rolled back; a refusal raises RequestFailed."""
    with write.steps() as step, rolled_back(), CaptureQueriesContext(connection) as captured:
        response = client.post(step.path, step.form, headers=write.headers)
        refusal = write.refusal(response.status_code, response.content)
    if refusal:
        raise RequestFailed(f"POST {step.path} {refusal} in-process")
    return without_outer_savepoint(
        [replayable(query["sql"]) for query in captured.captured_queries]
    )


_SAVEPOINT = re.compile(r'^SAVEPOINT ("[^"]+")$')


def without_outer_savepoint(statements: list[str]) -> list[str]:
    """The statements without the first savepoint and its release. Only the measurement's own
    transaction (`rolled_back`) makes the service's outermost transaction a savepoint; served,
    that transaction is a BEGIN and a COMMIT, which no page's count includes either."""
    for index, sql in enumerate(statements):
        opened = _SAVEPOINT.match(sql)
        if opened:
            release = f"RELEASE SAVEPOINT {opened.group(1)}"
            rest = statements[index + 1 :]
            if release in rest:
                end = index + 1 + rest.index(release)
                return statements[:index] + statements[index + 1 : end] + statements[end + 1 :]
            break
    return statements


# PostgreSQL runs `.iterator()` (e.g. a form's choices) through a named server-side cursor; the
# capture shows its DECLARE. Re-declaring that name would clash, so the SELECT inside runs instead.
_SERVER_SIDE_CURSOR = re.compile(r'^DECLARE "[^"]+" (?:NO )?(?:SCROLL )?CURSOR (?:WITH HOLD )?FOR ')


def replayable(sql: str) -> str:
    return _SERVER_SIDE_CURSOR.sub("", sql, count=1)


def _execute(statements: Sequence[str]) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            # The captured SQL has its parameters inlined; without params the backends run it
            # as is (a literal % stays a %).
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def raw_sql_ms(statements: Sequence[str], repeats: int, *, rollback: bool = False) -> float:
    """Median wall time of executing (and fetching) the statements, in milliseconds; with
    `rollback`, each repetition in a transaction that is rolled back."""
    totals = []
    for _ in range(repeats):
        with _guard(rollback):
            totals.append(_execute(statements))
    return median(totals) if totals else 0.0


def _guard(rollback: bool) -> AbstractContextManager[None]:
    return rolled_back() if rollback else nullcontext()


def profile(
    client: Client,
    path: str,
    repeats: int,
    *,
    rollback: bool = False,
    headers: Mapping[str, str] | None = None,
) -> QueryProfile:
    """Steady state, as in a warmed-up server: the first request fills the per-process caches
    (content types, …) and stamps the API token's last use; the second one is counted."""
    with _guard(rollback):
        _get(client, path, headers)
    with _guard(rollback):
        statements = capture_statements(client, path, headers)
    return QueryProfile(
        statements=statements, raw_sql_ms=raw_sql_ms(statements, repeats, rollback=rollback)
    )


def profile_write(client: Client, write: Write, repeats: int) -> QueryProfile:
    """The same steady state for a write: one rolled-back repetition first, then the counted
    one."""
    capture_write(client, write)
    statements = capture_write(client, write)
    return QueryProfile(
        statements=statements, raw_sql_ms=raw_sql_ms(statements, repeats, rollback=True)
    )


def export_peak(client: Client, path: str) -> MemoryPeak:
    """Peak memory traced while one export is built and read to the end (rolled back), and
    the rows it logged. Only allocations after the start count, so this is the growth."""
    with rolled_back():
        tracemalloc.start()
        try:
            response = _get(client, path)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        if response.status_code != 200:
            raise RequestFailed(f"GET {path} answered {response.status_code} in-process")
        rows = ExportLog.objects.order_by("-pk").values_list("row_count", flat=True).first()
    return MemoryPeak(path=path, rows=rows or 0, peak_mem_mb=round(peak / 1024 / 1024, 1))
