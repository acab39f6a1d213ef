"""Editors save the same chain member at the same moment, from the same page (version 0), and
add the same person at once. However the race goes, one edit wins, the others are refused as
stale — never silently overwritten — and the person is in the chain once. Runs on PostgreSQL
and on a file-based SQLite database."""

import threading
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from kam.delivery.models import DeliveryChainMember
from kam.delivery.services import delivery_member_add, delivery_member_update
from tests.delivery.conftest import member, person, planned_contract

pytestmark = pytest.mark.concurrency

ROUNDS = 10


def _in_memory_sqlite() -> bool:
    return connection.vendor == "sqlite" and not settings.DATABASES["default"]["TEST"].get("NAME")


def _race(writers: int, write: Callable[[int, int], None]) -> list[list[str]]:
    """`write(round, writer)` run by every writer at once, round after round."""
    outcomes = [[""] * writers for _ in range(ROUNDS)]
    start = threading.Barrier(writers)

    def writer(index: int) -> None:
        try:
            for round_ in range(ROUNDS):
                start.wait(timeout=60)
                try:
                    write(round_, index)
                    outcomes[round_][index] = "won"
                except ValidationError as refusal:
                    outcomes[round_][index] = "refused:" + ",".join(refusal.message_dict)
                except Exception as error:  # kept for the assertion instead of lost
                    outcomes[round_][index] = f"{type(error).__name__}: {error}"
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("writers", [2, 4])
def test_simultaneous_edits_never_lose_an_update(rep, manager, director, gm, writers):
    if _in_memory_sqlite():
        pytest.skip("needs a file-based SQLite database or PostgreSQL")
    users = [rep, manager, director, gm][:writers]
    contract = planned_contract(rep)
    members = [member(contract, person(contract, f"人{n}"), rep) for n in range(ROUNDS)]

    def write(round_: int, index: int) -> None:
        delivery_member_update(
            member=members[round_], actor=users[index], version=0,
            data={"support_plan": f"计划{index}"},
        )  # fmt: skip

    outcomes = _race(writers, write)
    for round_, results in enumerate(outcomes):
        assert results.count("won") == 1, (round_, results)
        assert results.count("refused:version") == writers - 1, (round_, results)
        saved = DeliveryChainMember.objects.get(pk=members[round_].pk)
        assert saved.version == 1
        assert saved.support_plan == f"计划{results.index('won')}"


@pytest.mark.django_db(transaction=True)
def test_simultaneous_adds_put_a_person_in_once(rep, manager):
    if _in_memory_sqlite():
        pytest.skip("needs a file-based SQLite database or PostgreSQL")
    users = [rep, manager]
    contract = planned_contract(rep)
    people = [person(contract, f"人{n}") for n in range(ROUNDS)]

    def write(round_: int, index: int) -> None:
        delivery_member_add(
            contract=contract, contact=people[round_], actor=users[index],
            data={"delivery_role": "finance"},
        )  # fmt: skip

    outcomes = _race(len(users), write)
    for round_, results in enumerate(outcomes):
        assert sorted(results) == ["refused:contact", "won"], (round_, results)
    assert DeliveryChainMember.objects.count() == ROUNDS
