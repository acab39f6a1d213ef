"""The account history fragment: the account page loads it with htmx; it shows the field
changes, grade and owner history and merges, to exactly the people who may see the account."""

import pytest
from django.test import Client
from django.urls import reverse

from kam.accounts.models import Account, AccountMerge
from kam.accounts.services import account_change_grade, account_change_owner, account_update
from kam.users.models import User
from tests.conftest import client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def account(rep, colleague, manager):
    account = AccountFactory(owner=rep, name="西安第一医院")
    account_update(
        account=account, actor=rep, version=account.version, changes={"city": "咸阳"},
        confirm_not_duplicate=True,
    )  # fmt: skip
    account_change_grade(account=account, grade="A", reason="年度预算翻倍", actor=rep)
    account_change_owner(account=account, owner=colleague, reason="区域调整", actor=manager)
    account_change_owner(account=account, owner=rep, reason="调回", actor=manager)
    AccountMerge.objects.create(
        target=account, source_id=4242, source_name="西安一院", reason="重复录入", actor=rep
    )
    return account


def _history(user: User, account: Account, **headers: str) -> str:
    response = client_for(user).get(reverse("accounts:history", args=[account.pk]), headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_fragment_holds_every_history_and_sends_the_lists_to_their_cards(rep, account):
    html = _history(rep, account, **HTMX)
    assert "<html" not in html
    assert 'data-testid="field-history"' in html and "咸阳" in html
    assert 'id="grade-history" hx-swap-oob="true"' in html and "年度预算翻倍" in html
    assert 'id="owner-history" hx-swap-oob="true"' in html and "区域调整" in html
    assert 'id="merge-history"' in html and "原客户 ID：4242" in html


def test_opened_directly_it_is_a_page_without_out_of_band_parts(rep, account):
    html = _history(rep, account)
    assert "<html" in html and "年度预算翻倍" in html and "西安一院" in html
    assert "hx-swap-oob" not in html


def test_without_merges_the_fragment_sends_no_merge_card(rep):
    html = _history(rep, AccountFactory(owner=rep), **HTMX)
    assert "暂无分级记录。" in html and "暂无变更记录。" in html
    assert "merge-history" not in html


def test_account_page_leaves_the_history_to_the_fragment(rep, account):
    response = client_for(rep).get(account.get_absolute_url())
    html = response.content.decode()
    assert f'hx-get="{reverse("accounts:history", args=[account.pk])}"' in html
    assert 'id="grade-history"' in html and 'id="owner-history"' in html
    assert 'id="merge-history"' in html
    assert "年度预算翻倍" not in html and "区域调整" not in html and "西安一院" not in html


def test_fragment_is_shown_to_whoever_sees_the_account_only(rep, manager, other_rep, account):
    url = reverse("accounts:history", args=[account.pk])
    for user in (rep, manager):
        assert client_for(user).get(url, headers=HTMX).status_code == 200
    assert client_for(other_rep).get(url, headers=HTMX).status_code == 404
    assert client_for(other_rep).get(url).status_code == 404
    anonymous = Client().get(url, headers=HTMX)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert client_for(rep).post(url).status_code == 405
