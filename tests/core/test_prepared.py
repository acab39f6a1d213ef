"""A prepared query returns what its queryset returns, for any values, in one query; and it
refuses a queryset whose SQL would not be the same for other values."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import QuerySet
from django.db.models.functions import JSONObject
from django.utils import timezone

from kam.accounts.models import Account
from kam.core.prepared import NotPreparable, PreparedQuery
from kam.interactions.models import Interaction
from kam.opportunities.models import Opportunity
from tests.factories import AccountFactory, InteractionFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def _visits_before(account_id: int, before: datetime) -> QuerySet[Any]:
    return (
        Interaction.objects.filter(account_id=account_id, occurred_at__lt=before)
        .annotate(payload=JSONObject(subject="subject", account="account__name"))
        .order_by("-occurred_at")
        .values_list("pk", "occurred_at", "payload")
    )


def test_rows_are_the_querysets_rows_for_every_value():
    now = timezone.now()
    accounts = AccountFactory.create_batch(2)
    for days in range(4):
        for account in accounts:
            InteractionFactory(account=account, occurred_at=now - timedelta(days=days))
    prepared = PreparedQuery(_visits_before, (int, datetime))

    for account in accounts:
        for before in (now + timedelta(seconds=1), now - timedelta(days=1, hours=12)):
            rows = prepared.run(account.pk, before)
            assert rows == list(_visits_before(account.pk, before))
            assert rows  # the comparison compared something
    # Converted as the queryset converts: aware datetimes, decoded JSON.
    _pk, occurred_at, payload = prepared.run(accounts[0].pk, now + timedelta(seconds=1))[0]
    assert occurred_at == now
    assert payload["account"] == accounts[0].name


def test_one_query_per_run(django_assert_num_queries):
    account = AccountFactory()
    InteractionFactory(account=account)
    prepared = PreparedQuery(_visits_before, (int, datetime))
    prepared.run(account.pk, timezone.now())

    with django_assert_num_queries(1):
        assert len(prepared.run(account.pk, timezone.now())) == 1


def _deal_money(pk: int) -> QuerySet[Any]:
    return Opportunity.objects.filter(pk=pk).values_list(
        "amount", JSONObject(amount="amount", name="name")
    )


def test_money_is_converted_as_the_queryset_converts_it():
    deal = OpportunityFactory(amount=Decimal("1234567.89"))

    rows = PreparedQuery(_deal_money, (int,)).run(deal.pk)

    assert rows == list(_deal_money(deal.pk))
    assert rows[0][0] == Decimal("1234567.89")


@pytest.mark.parametrize(
    "build",
    [
        lambda pk: Account.objects.filter(pk=pk + 1),
        lambda before: Interaction.objects.filter(occurred_at__date=before.date()),
        lambda pk: Account.objects.filter(pk=pk, **({"name": "甲"} if pk % 2 else {})),
    ],
    ids=["key plus one", "date of a datetime", "shape changes"],
)
def test_a_value_the_query_transforms_is_refused(build):
    kinds = (datetime,) if "before" in build.__code__.co_varnames else (int,)
    value = datetime(2026, 1, 1, tzinfo=UTC) if kinds == (datetime,) else 1

    with pytest.raises(NotPreparable):
        PreparedQuery(build, kinds).run(value)


def test_values_of_the_wrong_kind_are_refused():
    prepared = PreparedQuery(_visits_before, (int, datetime))

    with pytest.raises(TypeError):
        prepared.run(1, datetime(2026, 1, 1))  # noqa: DTZ001 - naive: which moment is meant?
    with pytest.raises(TypeError):
        prepared.run("1", timezone.now())
    with pytest.raises(TypeError):
        prepared.run(1)


def _three_accounts(first: int, second: int, third: int) -> QuerySet[Any]:
    return Account.objects.filter(pk__in=[first, second, third]).order_by("pk").values_list("pk")


def test_values_of_one_kind_each_fill_their_own_slot():
    accounts = [account.pk for account in AccountFactory.create_batch(5)]
    prepared = PreparedQuery(_three_accounts, (int, int, int))

    for chosen in ([0, 1, 2], [4, 2, 0], [1, 3, 4]):
        values = [accounts[n] for n in chosen]
        assert prepared.run(*values) == [(pk,) for pk in sorted(values)]
