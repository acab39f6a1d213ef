"""The account timeline on the demo company, where accounts have events of every kind: the
page costs a fixed number of queries, whatever the kinds shown and the rows behind each."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kam.accounts.models import Account, GradeChange
from kam.interactions.selectors import TIMELINE_SOURCES, account_timeline
from tests.conftest import client_for
from tests.factories import InteractionFactory


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo company, loaded once for this module and rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo_load", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def _busiest_account() -> Account:
    """The owned account whose whole timeline has the most kinds of events."""
    accounts = Account.objects.exclude(owner=None).select_related("owner")
    return max(
        accounts,
        key=lambda a: len({i.kind for i in account_timeline(account=a, limit=10_000)}),
    )


def _bring_every_kind_forward(account: Account) -> None:
    """Each source's newest event of the account moves to now, so the first page shows them all."""
    now = timezone.now()
    for source in TIMELINE_SOURCES:
        rows = source.events(account.pk)
        newest = rows.order_by(f"-{source.at}").values_list("pk", flat=True).first()
        if newest is not None:
            rows.model._default_manager.filter(pk=newest).update(**{source.at: now})


def _timeline_queries(account: Account) -> tuple[int, str]:
    assert account.owner is not None
    client = client_for(account.owner)
    url = reverse("interactions:for_account", args=[account.pk])
    client.get(url, HTTP_HX_REQUEST="true")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, HTTP_HX_REQUEST="true")
    return len(captured.captured_queries), response.content.decode()


def _kinds_shown(html: str) -> set[str]:
    return set(re.findall(r'data-kind="(\w+)"', html))


@pytest.mark.django_db
def test_timeline_with_every_kind_is_one_query(demo_loaded):
    account = _busiest_account()
    kinds = {i.kind for i in account_timeline(account=account, limit=10_000)}
    assert len(kinds) >= 12
    _bring_every_kind_forward(account)
    before, html = _timeline_queries(account)
    assert _kinds_shown(html) == kinds
    # session, user (with their reports-to walk, for visibility), account, then the timeline:
    # one query for every kind (can_log needs none for the owner)
    assert before == 4

    now = timezone.now()
    for _n in range(30):
        InteractionFactory(account=account, created_by=account.owner, occurred_at=now)
        GradeChange.objects.create(account=account, from_grade="B", to_grade="A", reason="复核")
    after, html = _timeline_queries(account)

    assert after == before
    assert html.count('class="kind-') == 50
