"""Query count and raw-SQL time of one request, measured in this process (not in gunicorn).

The request runs once through Django's test client with the queries captured; then exactly
those SQL statements are executed again with a plain cursor, so page time ÷ raw SQL time shows
how much of a page is the database and how much is Python.
"""

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.client import RequestFailed
from bench.results import median


@dataclass(frozen=True)
class QueryProfile:
    statements: list[str]
    raw_sql_ms: float

    @property
    def queries(self) -> int:
        return len(self.statements)


def capture_statements(client: Client, path: str) -> list[str]:
    """The SQL of one GET of `path` (every query, session and user lookups included)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise RequestFailed(f"GET {path} answered {response.status_code} in-process")
    return [replayable(query["sql"]) for query in captured.captured_queries]


# PostgreSQL runs `.iterator()` (e.g. a form's choices) through a named server-side cursor; the
# capture shows its DECLARE. Re-declaring that name would clash, so the SELECT inside runs instead.
_SERVER_SIDE_CURSOR = re.compile(r'^DECLARE "[^"]+" (?:NO )?(?:SCROLL )?CURSOR (?:WITH HOLD )?FOR ')


def replayable(sql: str) -> str:
    return _SERVER_SIDE_CURSOR.sub("", sql, count=1)


def raw_sql_ms(statements: Sequence[str], repeats: int) -> float:
    """Median wall time of executing (and fetching) the statements, in milliseconds."""
    totals = []
    with connection.cursor() as cursor:
        for _ in range(repeats):
            started = time.perf_counter()
            for sql in statements:
                # The captured SQL has its parameters inlined; without params the backends run it
                # as is (a literal % stays a %).
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()
            totals.append((time.perf_counter() - started) * 1000)
    return median(totals) if totals else 0.0


def profile(client: Client, path: str, repeats: int) -> QueryProfile:
    """Steady state, as in a warmed-up server: the first request fills the per-process caches
    (content types, …) and stamps the API token's last use; the second one is counted."""
    client.get(path)
    statements = capture_statements(client, path)
    return QueryProfile(statements=statements, raw_sql_ms=raw_sql_ms(statements, repeats))
