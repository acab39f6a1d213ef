"""The query budget of the account pages: at most 10 queries whatever the data (bench/README.md),
for a director, whose reports-to tree is several levels deep, as for a rep."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kam.accounts.models import (
    Account,
    AccountMerge,
    CoreFieldVerification,
    GradeChange,
    OwnerChange,
)
from kam.accounts.selectors import accounts_visible_to
from kam.audit.models import FieldChange
from kam.pools.services.protection import placement_refresh
from kam.users.enums import Role
from kam.users.models import User
from tests.conftest import client_for
from tests.factories import (
    AccountFactory,
    AccountTeamMemberFactory,
    OpportunityFactory,
    UserFactory,
)

PAGE_BUDGET = 10

pytestmark = pytest.mark.django_db


def _count(user: User, url: str, **headers: str) -> tuple[int, object]:
    client = client_for(user)
    client.get(url, headers=headers)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(captured.captured_queries), response


@pytest.mark.parametrize("query", ["", "?grade=A", "?sort=name", "?page=2"])
def test_director_list_stays_in_budget_whatever_the_rows_and_depth(
    director, manager, rep, other_rep, query
):
    url = reverse("accounts:list") + query
    AccountFactory.create_batch(30, owner=rep, grade="A")
    AccountFactory.create_batch(30, owner=other_rep, grade="A")
    few, response = _count(director, url)
    assert few <= PAGE_BUDGET
    assert response.context["accounts"]

    # A level more below the director and many more rows cost nothing more.
    trainee = UserFactory(role=Role.ACCOUNT_MANAGER, team=rep.team, manager=rep)
    AccountFactory.create_batch(60, owner=trainee, grade="A")
    many, _response = _count(director, url)
    assert many == few
    assert accounts_visible_to(director).filter(owner=trainee).count() == 60


def test_rep_list_stays_in_budget(rep, colleague):
    AccountFactory.create_batch(3, owner=rep)
    few, _response = _count(rep, reverse("accounts:list"))
    AccountFactory.create_batch(60, owner=rep)
    AccountFactory.create_batch(5, owner=colleague)
    many, response = _count(rep, reverse("accounts:list"))
    assert few == many <= PAGE_BUDGET
    assert {a.owner_id for a in response.context["accounts"]} == {rep.pk}


def test_detail_query_count_does_not_grow_with_the_depth_of_the_group(rep):
    group = AccountFactory(owner=rep, level="group", parent=None)
    account = AccountFactory(owner=rep, level="province", parent=group)
    shallow, _response = _count(rep, account.get_absolute_url())
    top = AccountFactory(owner=rep, level="group", parent=None)
    Account.objects.filter(pk=group.pk).update(parent=top)
    AccountFactory(owner=rep, level="city", parent=AccountFactory(owner=rep, parent=account))
    deep, response = _count(rep, account.get_absolute_url())
    assert deep == shallow
    [root] = response.context["tree"]
    assert root.pk == top.pk and root.children[0].children[0].current


def _fill_every_section(account: Account, actor: User, rows: int) -> None:
    """Rows in every section of the account page and its history: verifications, group,
    opportunities, team, field changes, grade and owner history, merges."""
    content_type = ContentType.objects.get_for_model(account)
    for n in range(rows):
        CoreFieldVerification.objects.create(
            account=account, field="credit_code", value=f"{n}", method="license", verified_by=actor
        )
        AccountFactory(owner=actor, level="city", parent=account)
        OpportunityFactory(account=account)
        AccountTeamMemberFactory(account=account, user=UserFactory(), role="delivery")
        FieldChange.objects.create(
            content_type=content_type, object_id=account.pk, field="name", field_label="客户名称",
            old_value=f"旧名{n}", new_value=f"新名{n}", actor=actor,
        )  # fmt: skip
        GradeChange.objects.create(account=account, from_grade="B", to_grade="A", actor=actor)
        OwnerChange.objects.create(account=account, from_owner=None, to_owner=actor, actor=actor)
        AccountMerge.objects.create(
            target=account, source_id=10_000 + n, source_name=f"重复客户{n}", reason="重复",
            actor=actor,
        )  # fmt: skip


@pytest.mark.parametrize("viewer", ["rep", "manager", "director", "admin_user"])
@pytest.mark.parametrize("placed", [True, False], ids=["placed", "not-placed"])
def test_detail_stays_in_budget_for_every_role_whatever_the_rows(request, viewer, placed, rep):
    user = request.getfixturevalue(viewer)
    account = AccountFactory(owner=rep, level="province", parent=AccountFactory(owner=rep))
    if placed:
        placement_refresh(account)
    _fill_every_section(account, rep, rows=1)
    few, response = _count(user, account.get_absolute_url())
    assert few <= PAGE_BUDGET
    assert response.context["opportunities"] and response.context["members"]

    _fill_every_section(account, rep, rows=20)
    many, _response = _count(user, account.get_absolute_url())
    assert many == few


@pytest.mark.parametrize("htmx", [True, False], ids=["fragment", "page"])
def test_history_stays_in_budget_whatever_the_rows(director, rep, htmx):
    account = AccountFactory(owner=rep)
    url = reverse("accounts:history", args=[account.pk])
    headers = {"HX-Request": "true"} if htmx else {}
    _fill_every_section(account, rep, rows=1)
    few, _response = _count(director, url, **headers)
    _fill_every_section(account, rep, rows=20)
    many, response = _count(director, url, **headers)
    assert few == many <= PAGE_BUDGET
    assert len(response.context["merges"]) == 21
