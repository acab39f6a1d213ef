"""The throughput run: concurrent users, each its own logged-in client (alternately the rep and
the director), loop over a weighted mix of their operations until the time is up.

Reads weigh more than writes, as in a working day; the export is left out (one download would
hold a worker for seconds and say nothing about the pages). Writes are leased and undone as in
the sequential run (bench/writes.py), so two users never post the same claim or deal version.
"""

import random
import threading
import time
from collections import defaultdict

from django.db import connection

from bench.client import HttpClient
from bench.measure import ApiTokens, logged_in_clients, timed_request
from bench.operations import Auth, Operation, Persona, Personas
from bench.results import Throughput, throughput_of

READ_WEIGHT = 4
WRITE_WEIGHT = 1


def mix_weight(op: Operation) -> int:
    if op.subset_path is not None:
        return 0
    return READ_WEIGHT if op.write is None else WRITE_WEIGHT


class _Tally:
    """Timings and errors from every user thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def add(self, name: str, timing_ms: float) -> None:
        with self.lock:
            self.timings[name].append(timing_ms)

    def fail(self, name: str, error: Exception) -> None:
        with self.lock:
            self.errors.append(f"{name}: {type(error).__name__}: {error}")


def _user_loop(
    clients: dict[tuple[Persona, Auth], HttpClient],
    operations: list[Operation],
    deadline: float,
    seed: int,
    tally: _Tally,
) -> None:
    chooser = random.Random(seed)
    weights = [mix_weight(op) for op in operations]
    try:
        while time.monotonic() < deadline:
            op = chooser.choices(operations, weights)[0]
            try:
                tally.add(op.name, timed_request(clients[op.persona, op.auth], op))
            except Exception as error:  # listed as an error; the user carries on
                tally.fail(op.name, error)
    finally:
        # The undo steps used this thread's own database connection.
        connection.close()


def run_throughput(
    measurable: list[Operation],
    base_url: str,
    people: Personas,
    tokens: ApiTokens,
    *,
    seconds: float,
    users: int,
) -> Throughput:
    personas = [Persona.REP if number % 2 == 0 else Persona.DIRECTOR for number in range(users)]
    # Logging in is not part of the measured time.
    user_clients = [logged_in_clients(base_url, people, tokens) for _ in personas]
    tally = _Tally()
    deadline = time.monotonic() + seconds
    started = time.perf_counter()
    threads = []
    for number, persona in enumerate(personas):
        mine = [op for op in measurable if op.persona is persona and mix_weight(op)]
        if not mine:
            continue
        thread = threading.Thread(
            target=_user_loop, args=(user_clients[number], mine, deadline, number, tally),
            name=f"bench-user-{number}",
        )  # fmt: skip
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return throughput_of(tally.timings, tally.errors, seconds=elapsed, users=users)
