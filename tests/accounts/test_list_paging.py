"""Paging the account list by key: every page holds exactly the rows of the full sorted list at
its place, for every sort and filter, only visible ones, in one query however deep the page."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kam.accounts import selectors
from kam.accounts.models import Account
from kam.accounts.selectors import SORT_FIELDS, accounts_list, accounts_list_page
from kam.core.pagination import PAGE_SIZE
from kam.users.models import User
from tests.conftest import client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

PAGES = 3


@pytest.fixture
def accounts(rep: User, other_rep: User) -> None:
    """More than two pages for the rep, with ties and NULLs in the sort columns."""
    AccountFactory.create_batch(PAGE_SIZE + 20, owner=rep, grade="A")
    AccountFactory.create_batch(20, owner=rep, grade="B")
    AccountFactory.create_batch(30, owner=other_rep, grade="A")
    AccountFactory.create_batch(10, owner=None, grade="C")
    now = timezone.now()
    # Ties on the sort column leave the order to the key, which must stay the same on every page.
    Account.objects.filter(pk__in=Account.objects.order_by("pk").values("pk")[:40]).update(
        updated_at=now, last_activity_at=None
    )
    for step, account in enumerate(Account.objects.order_by("pk")[40:]):
        Account.objects.filter(pk=account.pk).update(
            updated_at=now - timedelta(minutes=step % 7),
            last_activity_at=now - timedelta(hours=step % 5) if step % 3 else None,
        )


def _all_pages(user: User, filters: dict[str, Any], sort: str) -> list[int]:
    """The keys on the first pages, checking each page's "next" link against the full list."""
    total = len(accounts_list(user, filters, sort))
    rows: list[int] = []
    for number in range(1, PAGES + 1):
        page = accounts_list_page(user, filters, sort, number)
        rows += [account.pk for account in page]
        assert page.has_next == (total > number * PAGE_SIZE)
    return rows


@pytest.mark.usefixtures("accounts")
@pytest.mark.parametrize("sort", [*SORT_FIELDS, *(f"-{key}" for key in SORT_FIELDS)])
@pytest.mark.parametrize("filters", [{}, {"grade": "A"}], ids=["all", "grade-A"])
@pytest.mark.parametrize("walk_rows", [0, 10_000], ids=["deep-spelling", "index-spelling"])
def test_pages_hold_the_full_lists_rows_in_its_order(
    rep: User,
    director: User,
    sort: str,
    filters: dict[str, Any],
    walk_rows: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(selectors, "INDEX_WALK_ROWS", walk_rows)
    for user in (rep, director):
        expected = [account.pk for account in accounts_list(user, filters, sort)]
        assert _all_pages(user, filters, sort) == expected[: PAGES * PAGE_SIZE], user


@pytest.mark.usefixtures("accounts")
def test_a_rep_never_sees_another_reps_account_on_any_page(rep: User, other_rep: User) -> None:
    others = set(Account.objects.filter(owner=other_rep).values_list("pk", flat=True))
    seen = _all_pages(rep, {}, "-updated_at")
    assert len(seen) == Account.objects.exclude(owner=other_rep).count()
    assert not others & set(seen)


@pytest.mark.usefixtures("accounts")
def test_a_page_past_the_end_is_empty(rep: User) -> None:
    response = client_for(rep).get(reverse("accounts:list"), {"page": 2000})
    assert response.status_code == 200
    assert list(response.context["accounts"]) == []
    assert not response.context["page_obj"].has_next


def _account_queries(user: User, page: int) -> tuple[int, list[str]]:
    client = client_for(user)
    client.get(reverse("accounts:list"), {"page": page})  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("accounts:list"), {"page": page})
    statements = [query["sql"] for query in captured.captured_queries]
    return len(statements), [sql for sql in statements if 'FROM "accounts_account"' in sql]


@pytest.mark.usefixtures("accounts")
def test_a_deep_page_is_one_query_offsetting_keys_only(director: User) -> None:
    first_count, _first = _account_queries(director, 1)
    deep_count, deep = _account_queries(director, PAGES)
    assert deep_count == first_count <= 10
    assert len(deep) == 1
    offset = deep[0].index(f"OFFSET {(PAGES - 1) * PAGE_SIZE}")
    # The OFFSET sits in the subquery that picks the keys, not on the joined rows.
    assert deep[0].index("IN (SELECT") < offset
    assert "users_user" not in deep[0][deep[0].index("IN (SELECT") : offset]
