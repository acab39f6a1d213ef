"""The two measuring passes over the planned operations: in-process (queries, raw SQL time, an
export's peak memory) and over HTTP through gunicorn (page times)."""

import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client

from bench.client import HttpClient, RequestFailed
from bench.inprocess import QueryProfile, export_peak, profile, profile_write
from bench.operations import Auth, Operation, Persona, Personas
from bench.results import MemoryPeak, OperationResult, Skipped
from bench.server import gunicorn
from bench.writes import Write
from kam.audit.exports import EXPORT_PERMISSION
from kam.demo.people import DEMO_PASSWORD
from kam.users.models import ApiToken, User
from kam.users.services import api_token_create, api_token_revoke


def _say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


class ApiTokens:
    """One API token per persona, created before the server starts, revoked at the end."""

    def __init__(self, people: Personas) -> None:
        self.people = people
        self.tokens: list[ApiToken] = []
        self.keys: dict[Persona, str] = {}

    def __enter__(self) -> "ApiTokens":
        for persona in Persona:
            token, key = api_token_create(user=self.people.user(persona), name="bench/run.py")
            self.tokens.append(token)
            self.keys[persona] = key
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is not None:
            # An interrupt can land mid-query, leaving the connection unusable; start afresh.
            connection.close()
        for token in self.tokens:
            api_token_revoke(token=token)

    def header(self, persona: Persona) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[persona]}"}


def _profile(client: Client, op: Operation, repeats: int) -> QueryProfile:
    if op.write is not None:
        return profile_write(client, op.write, repeats)
    # An export writes its log entry: rolled back like a write.
    return profile(
        client, op.path, repeats, rollback=op.subset_path is not None, headers=op.headers
    )


@contextmanager
def export_permission(user: User) -> Iterator[None]:
    """The director may export for the run, as the demo's directors may; `demo_load --scale`
    grants no permissions. Taken back at the end if it was not there before."""
    permission = Permission.objects.get(
        codename=EXPORT_PERMISSION.split(".")[1], content_type__app_label="users"
    )
    had_it = user.user_permissions.filter(pk=permission.pk).exists()
    if not had_it:
        user.user_permissions.add(permission)
    try:
        yield
    finally:
        if not had_it:
            user.user_permissions.remove(permission)


def measure_in_process(
    planned: list[Operation],
    people: Personas,
    tokens: ApiTokens,
    repeats: int,
    skipped: list[Skipped],
    memory: dict[str, list[MemoryPeak]],
) -> dict[str, QueryProfile]:
    """Profiles by operation name (and the exports' peaks into `memory`); an operation that
    fails here is skipped with the reason."""
    profiles: dict[str, QueryProfile] = {}
    for op in planned:
        if op.auth is Auth.TOKEN:
            client = Client(headers=tokens.header(op.persona))
        else:
            client = Client()
            client.force_login(people.user(op.persona))
        try:
            profiles[op.name] = _profile(client, op, repeats)
            if op.subset_path is not None:
                paths = (op.path, op.subset_path)
                memory[op.name] = [export_peak(client, path) for path in paths]
        except Exception as error:  # one broken page must not stop the run
            skipped.append(Skipped(op.name, f"in-process: {type(error).__name__}: {error}"))
            _say(f"{op.name}: skipped ({error})")
        else:
            _say(f"{op.name}: {profiles[op.name].queries} queries")
        client.logout()
    return profiles


def logged_in_clients(
    base_url: str, people: Personas, tokens: ApiTokens
) -> dict[tuple[Persona, Auth], HttpClient]:
    clients = {}
    for persona in Persona:
        session = HttpClient(base_url)
        session.login(people.user(persona).username, DEMO_PASSWORD)
        clients[persona, Auth.SESSION] = session
        clients[persona, Auth.TOKEN] = HttpClient(base_url, headers=tokens.header(persona))
    return clients


def timed_write(client: HttpClient, write: Write) -> float:
    """Milliseconds of one POST of the next step; a refusal raises RequestFailed untimed. After
    the clock: the redirect is followed as a browser would (which shows, and so clears, the
    flash message) and the write is undone."""
    with write.steps() as step:
        started = time.perf_counter()
        status, location, body = client.post(step.path, step.form, write.headers)
        elapsed = (time.perf_counter() - started) * 1000
        refusal = write.refusal(status, body)
        if refusal:
            raise RequestFailed(f"POST {step.path} {refusal}")
        if 300 <= status < 400:
            target = urllib.parse.urlsplit(location)
            client.get(target.path + (f"?{target.query}" if target.query else ""))
        step.undo()
    return elapsed


def timed_request(client: HttpClient, op: Operation) -> float:
    if op.write is None:
        return client.timed_get(op.path, op.headers)
    return timed_write(client, op.write)


@contextmanager
def http_clients(
    people: Personas, tokens: ApiTokens, workers: int | None
) -> Iterator[tuple[str, dict[tuple[Persona, Auth], HttpClient]]]:
    """gunicorn's base URL and a logged-in client per persona and way of authenticating."""
    with gunicorn(workers) as base_url:
        _say(f"gunicorn answers at {base_url}")
        yield base_url, logged_in_clients(base_url, people, tokens)


def measure_http(
    measurable: list[Operation],
    clients: dict[tuple[Persona, Auth], HttpClient],
    profiles: dict[str, QueryProfile],
    memory: dict[str, list[MemoryPeak]],
    *,
    n: int,
    export_n: int,
    warmup: int,
    skipped: list[Skipped],
) -> list[OperationResult]:
    """Sequential timings; an export gets `export_n` timed requests after a single warm-up."""
    results = []
    for op in measurable:
        client = clients[op.persona, op.auth]
        is_export = op.subset_path is not None
        try:
            for _ in range(min(warmup, 1) if is_export else warmup):
                timed_request(client, op)
            timings = [timed_request(client, op) for _ in range(export_n if is_export else n)]
        except RequestFailed as error:
            skipped.append(Skipped(op.name, f"http: {error}"))
            _say(f"{op.name}: skipped ({error})")
            continue
        peaks = memory.get(op.name)
        result = OperationResult.from_timings(
            op.name, timings, queries=profiles[op.name].queries,
            raw_sql_ms=profiles[op.name].raw_sql_ms, budget_ms=op.budget_ms,
            peak_mem_mb=peaks[0].peak_mem_mb if peaks else None,
            raw_ratio_budget=op.raw_ratio_budget,
        )  # fmt: skip
        results.append(result)
        _say(f"{op.name}: median {result.median_ms} ms, p95 {result.p95_ms} ms")
    return results
