"""R-COL-3: finance users allocate the same receipt at the same moment, fifty times over.
However the race goes, the receipt is never allocated beyond its amount and no milestone beyond
what it owes; the losers get a clear refusal (stale version or no money left). Runs on
PostgreSQL and on a file-based SQLite database."""

import threading
from datetime import date
from decimal import Decimal
from typing import cast

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from kam.accounts.models import Account
from kam.billing.models import Allocation, Receipt
from kam.billing.services.receipts import receipt_allocate, receipt_record
from kam.users.enums import Role
from tests.billing.conftest import signed_contract
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.concurrency

ROUNDS = 50


def _in_memory_sqlite() -> bool:
    return connection.vendor == "sqlite" and not settings.DATABASES["default"]["TEST"].get("NAME")


def _race(users, rep) -> None:
    account = cast(Account, AccountFactory(owner=rep))
    # A fresh plan per round: each allocator aims at its own milestone, so only the receipt is
    # contended (and a refusal can only come from the race, never from a milestone paid before).
    plans = [
        list(signed_contract(account, ["60.00"] * len(users)).milestones.order_by("position"))
        for _ in range(ROUNDS)
    ]
    receipts = [
        receipt_record(
            account=account, actor=users[0],
            data={"amount": "100.00", "received_on": date(2026, 1, 1), "method": "other"},
        ).pk
        for _ in range(ROUNDS)
    ]  # fmt: skip
    outcomes: list[list[str]] = [[""] * len(users) for _ in range(ROUNDS)]
    start = threading.Barrier(len(users) + 1)
    done = threading.Barrier(len(users) + 1)

    def allocator(index: int) -> None:
        try:
            for round_ in range(ROUNDS):
                start.wait(timeout=60)
                try:
                    receipt = Receipt.objects.get(pk=receipts[round_])
                    # Everyone takes the receipt as the page showed it (version 0); every
                    # second user reloads and retries once, so later allocations race too.
                    for version in (0, receipt.version + 1) if index % 2 else (0,):
                        try:
                            receipt_allocate(
                                receipt=receipt, actor=users[index], version=version,
                                allocations=[(plans[round_][index], "60.00")],
                            )  # fmt: skip
                            outcome = "won"
                            break
                        except ValidationError as refusal:
                            outcome = (
                                "stale" if getattr(refusal, "code", "") == "stale" else "refused"
                            )
                except Exception as error:  # kept for the assertion instead of lost
                    outcome = f"{type(error).__name__}: {error}"
                outcomes[round_][index] = outcome
                done.wait(timeout=60)
        finally:
            connection.close()

    threads = [threading.Thread(target=allocator, args=(i,)) for i in range(len(users))]
    for thread in threads:
        thread.start()
    try:
        for round_ in range(ROUNDS):
            start.wait(timeout=60)
            done.wait(timeout=60)
            results = outcomes[round_]
            assert results.count("won") == 1, (round_, results)
            assert all(r == "won" or ":" not in r for r in results), (round_, results)
    finally:
        for thread in threads:
            thread.join(timeout=60)
    for pk in receipts:
        rows = Allocation.objects.filter(receipt_id=pk, reversed_at=None)
        assert sum((a.amount for a in rows), Decimal(0)) <= Decimal("100.00")
    for milestone in (m for plan in plans for m in plan):
        rows = Allocation.objects.filter(milestone=milestone, reversed_at=None)
        assert sum((a.amount for a in rows), Decimal(0)) <= milestone.amount


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("allocators", [2, 8])
def test_simultaneous_allocations_never_over_allocate_a_receipt(rep, finance, allocators):
    if _in_memory_sqlite():
        pytest.skip("needs a file-based SQLite database or PostgreSQL")
    users = [finance] + [
        UserFactory(role=Role.FINANCE, time_zone="Asia/Shanghai") for _ in range(allocators - 1)
    ]
    _race(users, rep)
