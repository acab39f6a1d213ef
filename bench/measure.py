"""The two measuring passes over the planned operations: in-process (queries, raw SQL time) and
over HTTP through gunicorn (page times)."""

import sys
from types import TracebackType

from django.db import connection
from django.test import Client

from bench.client import HttpClient, RequestFailed
from bench.inprocess import QueryProfile, profile
from bench.operations import Auth, Operation, Persona, Personas
from bench.results import OperationResult, Skipped
from bench.server import gunicorn
from kam.demo.people import DEMO_PASSWORD
from kam.users.models import ApiToken
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


def measure_in_process(
    planned: list[Operation],
    people: Personas,
    tokens: ApiTokens,
    repeats: int,
    skipped: list[Skipped],
) -> dict[str, QueryProfile]:
    """Profiles by operation name; an operation that fails here is skipped with the reason."""
    profiles: dict[str, QueryProfile] = {}
    for op in planned:
        if op.auth is Auth.TOKEN:
            client = Client(headers=tokens.header(op.persona))
        else:
            client = Client()
            client.force_login(people.user(op.persona))
        try:
            profiles[op.name] = profile(client, op.path, repeats)
        except Exception as error:  # one broken page must not stop the run
            skipped.append(Skipped(op.name, f"in-process: {type(error).__name__}: {error}"))
            _say(f"{op.name}: skipped ({error})")
        else:
            _say(f"{op.name}: {profiles[op.name].queries} queries")
        client.logout()
    return profiles


def _http_clients(
    base_url: str, people: Personas, tokens: ApiTokens
) -> dict[tuple[Persona, Auth], HttpClient]:
    clients = {}
    for persona in Persona:
        session = HttpClient(base_url)
        session.login(people.user(persona).username, DEMO_PASSWORD)
        clients[persona, Auth.SESSION] = session
        clients[persona, Auth.TOKEN] = HttpClient(base_url, headers=tokens.header(persona))
    return clients


def measure_http(
    measurable: list[Operation],
    people: Personas,
    tokens: ApiTokens,
    profiles: dict[str, QueryProfile],
    *,
    n: int,
    warmup: int,
    workers: int | None,
    skipped: list[Skipped],
) -> list[OperationResult]:
    results = []
    with gunicorn(workers) as base_url:
        _say(f"gunicorn answers at {base_url}")
        clients = _http_clients(base_url, people, tokens)
        for op in measurable:
            client = clients[op.persona, op.auth]
            try:
                for _ in range(warmup):
                    client.get(op.path)
                timings = [client.timed_get(op.path) for _ in range(n)]
            except RequestFailed as error:
                skipped.append(Skipped(op.name, f"http: {error}"))
                _say(f"{op.name}: skipped ({error})")
                continue
            result = OperationResult.from_timings(
                op.name, timings, queries=profiles[op.name].queries,
                raw_sql_ms=profiles[op.name].raw_sql_ms, budget_ms=op.budget_ms,
            )  # fmt: skip
            results.append(result)
            _say(f"{op.name}: median {result.median_ms} ms, p95 {result.p95_ms} ms")
    return results
