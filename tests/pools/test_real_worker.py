"""Once through a real worker: the scheduled pool recall, enqueued the way huey's scheduler
enqueues it, is picked up by `manage.py run_huey` in another process, which returns the lapsed
account to the pool and notifies its owner in the shared database. Needs a database two
processes can share: runs with the concurrency tests (file-based SQLite, PostgreSQL)."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from huey.contrib.djhuey import HUEY

from kam.accounts.models import Account
from kam.notifications.models import Notification
from kam.pools.tasks import pool_recall_sweep
from tests.pools.conftest import held

pytestmark = pytest.mark.concurrency

WAIT_SECONDS = 90


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = quote(db["USER"] or "", safe="")
    password = quote(db["PASSWORD"] or "", safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{user}:{password}@{host}/{db['NAME']}"


@pytest.fixture
def queued_for_a_real_worker(tmp_path):
    """Switch huey from run-in-process (the tests' default) to its real queue in tmp_path."""
    saved = dict(HUEY.storage_kwargs)
    if "filename" in HUEY.storage_kwargs:
        HUEY.storage_kwargs["filename"] = str(tmp_path / "jobs.sqlite3")
    HUEY.immediate = False
    yield tmp_path
    HUEY.storage_kwargs.clear()
    HUEY.storage_kwargs.update(saved)
    HUEY.immediate = True


@pytest.mark.django_db(transaction=True)
def test_the_recall_job_runs_in_a_real_worker(queued_for_a_real_worker, pool, rep, manager):
    if connection.vendor == "sqlite" and not settings.DATABASES["default"]["TEST"].get("NAME"):
        pytest.skip("needs a file-based SQLite database or PostgreSQL")
    account = held(rep, days_ago=40)
    pool_recall_sweep()  # enqueued, not run: nothing has changed yet
    assert Account.objects.get(pk=account.pk).owner == rep

    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "HUEY_IMMEDIATE": "0",
        "KAM_VAR_DIR": str(queued_for_a_real_worker),
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--workers", "1", "--no-periodic"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if Account.objects.get(pk=account.pk).owner_id is None:
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode(errors="replace")
    assert Account.objects.get(pk=account.pk).owner_id is None, output
    assert Notification.objects.filter(recipient=rep, kind="pool").exists()
