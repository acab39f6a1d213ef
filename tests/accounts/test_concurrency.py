"""Two people save the same account at the same moment: one wins, the other is told, nothing is
lost. Runs on PostgreSQL and on a file-based SQLite database (scripts/test.sh runs the
`concurrency` tests there; an in-memory database cannot be shared between threads)."""

import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from kam.accounts.models import Account
from kam.accounts.services import account_update
from tests.factories import AccountFactory

pytestmark = pytest.mark.concurrency


def _in_memory_sqlite() -> bool:
    return connection.vendor == "sqlite" and not settings.DATABASES["default"]["TEST"].get("NAME")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("repetition", range(5))
def test_concurrent_edits_of_one_version_let_exactly_one_win(rep, repetition):
    if _in_memory_sqlite():
        pytest.skip("needs a file-based SQLite database or PostgreSQL")
    account = AccountFactory(owner=rep, city="西安")
    start = threading.Barrier(4)
    outcomes: list[str] = []
    lock = threading.Lock()

    def edit(city: str) -> None:
        try:
            fresh = Account.objects.get(pk=account.pk)
            start.wait()
            account_update(account=fresh, actor=rep, version=fresh.version, changes={"city": city})
            outcome = f"saved:{city}"
        except ValidationError:
            outcome = "conflict"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=edit, args=(f"城市{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    saved = [o for o in outcomes if o.startswith("saved:")]
    assert len(saved) == 1, outcomes
    assert outcomes.count("conflict") == 3
    account.refresh_from_db()
    assert f"saved:{account.city}" == saved[0]
    assert account.version == 1
