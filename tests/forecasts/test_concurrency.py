"""Two workers take the same week's snapshot at the same moment: one writes, the other finds
the claim and writes nothing. Runs on PostgreSQL and on a file-based SQLite database."""

import threading
from datetime import date

import pytest
from django.conf import settings
from django.db import connection

from kam.forecasts.models import ForecastSnapshot, ForecastSnapshotRun
from kam.forecasts.services import SnapshotOutcome, forecast_snapshot_take

pytestmark = pytest.mark.concurrency


@pytest.mark.django_db(transaction=True)
def test_two_workers_write_one_week_once(rep, colleague, deal):
    if connection.vendor == "sqlite" and not settings.DATABASES["default"]["TEST"].get("NAME"):
        pytest.skip("needs a file-based SQLite database or PostgreSQL")
    deal(rep, "100.00", category="commit")
    deal(colleague, "200.00", category="best_case")
    start = threading.Barrier(3)
    outcomes: list[SnapshotOutcome] = []
    lock = threading.Lock()

    def work() -> None:
        try:
            start.wait()
            outcome = forecast_snapshot_take(as_of=date(2026, 11, 24))
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(o.taken for o in outcomes) == [False, False, True]
    assert ForecastSnapshotRun.objects.count() == 1
    assert ForecastSnapshot.objects.count() == 2
