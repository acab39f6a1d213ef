"""Two people move or edit the same opportunity at the same moment: exactly one wins, the
others get the conflict message, and the stage history has exactly one new row. Runs on
PostgreSQL and on a file-based SQLite database (see tests/accounts/test_concurrency.py)."""

import threading
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from kam.opportunities.models import Opportunity, StageMove
from kam.opportunities.services.moves import opportunity_move
from kam.opportunities.services.opportunities import opportunity_update
from tests.factories import AccountFactory, OpportunityFactory

pytestmark = pytest.mark.concurrency


def _in_memory_sqlite() -> bool:
    return connection.vendor == "sqlite" and not settings.DATABASES["default"]["TEST"].get("NAME")


def _race(workers: list[Callable[[Opportunity], str]], pk: int) -> list[str]:
    start = threading.Barrier(len(workers))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(work: Callable[[Opportunity], str]) -> None:
        try:
            fresh = Opportunity.objects.select_related("stage", "account").get(pk=pk)
            start.wait()
            outcome = work(fresh)
        except ValidationError:
            outcome = "conflict"
        except Exception as error:  # reported in the assertion instead of lost with the thread
            outcome = f"{type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_moves_and_edits_let_exactly_one_win(rep, manager, gated_process):
    if _in_memory_sqlite():
        pytest.skip("needs a file-based SQLite database or PostgreSQL")
    _process, stages = gated_process
    opportunity = OpportunityFactory(account=AccountFactory(owner=rep), stage=stages["lead"])

    def lose(fresh: Opportunity) -> str:
        opportunity_move(
            opportunity=fresh, to_stage=stages["lost"], actor=rep, version=fresh.version,
            close_reason="price",
        )  # fmt: skip
        return "moved"

    def rename(fresh: Opportunity) -> str:
        opportunity_update(
            opportunity=fresh, actor=manager, version=fresh.version, changes={"name": "改名"}
        )
        return "renamed"

    outcomes = _race([lose, rename, lose, rename], opportunity.pk)

    assert sorted(outcomes).count("conflict") == 3, outcomes
    opportunity.refresh_from_db()
    assert opportunity.version == 1
    moved = StageMove.objects.filter(opportunity=opportunity).count()
    assert moved == (1 if "moved" in outcomes else 0)
    assert (opportunity.stage == stages["lost"]) == ("moved" in outcomes)
