"""The pool pages and /api/pools: what each shows, what a claim button does, and the
queries a page costs."""

import pytest
from django.test import Client
from django.urls import reverse

from kam.pools.models import Pool, PoolEvent
from kam.pools.services.protection import placement_refresh
from kam.users.services import api_token_create
from tests.conftest import client_for
from tests.factories import AccountFactory
from tests.pools.conftest import held, pooled

pytestmark = pytest.mark.django_db


def api(user) -> tuple[Client, dict[str, str]]:
    _token, key = api_token_create(user=user, name="test")
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_pool_page_lists_free_and_lapsed_accounts_but_not_protected_ones(pool, rep, other_rep):
    free = pooled(name="公海里的客户")
    lapsed = held(other_rep, days_ago=40, name="保护期已过的客户")
    protected = held(other_rep, days_ago=3, name="保护中的客户")

    response = client_for(rep).get(reverse("pools:pool", args=[pool.pk]))

    body = response.content.decode()
    assert free.name in body and lapsed.name in body
    assert protected.name not in body
    assert "你在本公海持有 0 / 3 家" in body


def test_pool_page_filters(pool, rep):
    pooled(name="西安电力", province="陕西")
    pooled(name="北京银行", province="北京")
    response = client_for(rep).get(reverse("pools:pool", args=[pool.pk]), {"province": "北京"})
    body = response.content.decode()
    assert "北京银行" in body and "西安电力" not in body


def test_pool_page_empty_state(pool, rep):
    response = client_for(rep).get(reverse("pools:index"), follow=True)
    assert "公海里暂时没有客户" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 3])
def test_pool_page_queries_do_not_grow_with_rows(pool, rep, rows, django_assert_num_queries):
    for _ in range(rows):
        pooled()
    client = client_for(rep)
    url = reverse("pools:pool", args=[pool.pk])
    client.get(url)
    with django_assert_num_queries(8):
        client.get(url)


def test_htmx_claim_swaps_the_cell_with_the_outcome(pool, rep, colleague):
    account = pooled()
    url = reverse("pools:claim", args=[account.pk])

    won = client_for(rep).post(url, HTTP_HX_REQUEST="true")
    lost = client_for(colleague).post(url, HTTP_HX_REQUEST="true")

    assert 'data-testid="claim-ok"' in won.content.decode()
    # The colleague may no longer see the account at all: a clear message, no leak.
    assert "已不在公海中" in lost.content.decode()
    account.refresh_from_db()
    assert account.owner == rep


def test_plain_claim_redirects_to_the_account(pool, rep):
    account = pooled()
    response = client_for(rep).post(reverse("pools:claim", args=[account.pk]))
    assert response.status_code == 302 and response.url == account.get_absolute_url()


def test_account_page_shows_protection_and_lapse(pool, rep, other_rep):
    mine = held(rep, days_ago=10)
    lapsed = held(other_rep, days_ago=40)
    client = client_for(rep)
    assert "还剩 19 天" in client.get(mine.get_absolute_url()).content.decode()
    body = client.get(lapsed.get_absolute_url()).content.decode()
    assert 'data-testid="protection-lapsed"' in body and 'data-testid="claim-account"' in body


def test_release_from_my_protections(pool, rep):
    account = held(rep, days_ago=2)
    client = client_for(rep)
    assert account.name in client.get(reverse("pools:mine")).content.decode()
    response = client.post(
        reverse("pools:release", args=[account.pk]),
        {"reason": "客户无预算", "version": account.version},
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.owner is None


def test_release_without_reason_changes_nothing(pool, rep):
    account = held(rep, days_ago=2)
    client_for(rep).post(reverse("pools:release", args=[account.pk]), {"version": account.version})
    account.refresh_from_db()
    assert account.owner == rep


def test_manager_sees_expiring_accounts_and_reassigns(pool, manager, rep, colleague):
    account = held(rep, days_ago=27)
    client = client_for(manager)
    assert account.name in client.get(reverse("pools:expiring")).content.decode()
    client.post(reverse("pools:assign", args=[account.pk]), {"to_user": colleague.pk})
    account.refresh_from_db()
    assert account.owner == colleague


def test_configurer_edits_a_pool_and_its_rules(pool, director):
    client = client_for(director)
    data = {
        "name": "西北公海", "description": "", "priority": 10, "active": "on",
        "protection_days": 20, "warn_days": 2, "max_owned": 10, "max_claims_per_day": 3,
        "reclaim_lockout_days": 7, "provinces": ["陕西", "甘肃"], "rule_C_no_follow_up": 25,
        "version": 0,
    }  # fmt: skip
    response = client.post(reverse("pools:create"), data)
    assert response.status_code == 302
    created = Pool.objects.get(name="西北公海")
    assert created.provinces == ["陕西", "甘肃"]
    assert list(created.rules.values_list("grade", "trigger", "days")) == [
        ("C", "no_follow_up", 25)
    ]
    account = AccountFactory(owner=None, province="甘肃")
    assert placement_refresh(account).pool == created


def test_bad_rule_days_are_refused_with_the_field(pool, director):
    response = client_for(director).post(
        reverse("pools:edit", args=[pool.pk]),
        {"name": pool.name, "priority": 1, "protection_days": 30, "warn_days": 3,
         "max_owned": 5, "max_claims_per_day": 2, "reclaim_lockout_days": 5,
         "rule_A_no_follow_up": 0, "version": pool.version},
    )  # fmt: skip
    assert response.status_code == 422
    assert pool.rules.count() == 4


def test_api_lists_claims_and_refuses_clearly(pool, rep, manager):
    account = pooled()
    client, auth = api(rep)
    listed = client.get(f"/api/pools/{pool.pk}/accounts", **auth).json()
    assert [row["id"] for row in listed["items"]] == [account.pk]

    won = client.post(f"/api/pools/accounts/{account.pk}/claim", **auth)
    other, other_auth = api(manager)  # sees the rep's accounts, so is told why
    lost = other.post(f"/api/pools/accounts/{account.pk}/claim", **other_auth)

    assert won.status_code == 200 and won.json()["owner_id"] == rep.pk
    assert lost.status_code == 409 and lost.json()["code"] == "protected"
    mine = client.get("/api/pools/mine", **auth).json()
    assert mine["items"][0]["protected_until"]
    events = client.get(f"/api/pools/accounts/{account.pk}/events", **auth).json()
    assert [e["kind"] for e in events] == ["claim"]


def test_api_release_and_assign(pool, rep, manager):
    account = held(rep, days_ago=1)
    client, auth = api(rep)
    response = client.post(
        f"/api/pools/accounts/{account.pk}/release",
        {"reason": "", "version": account.version}, content_type="application/json", **auth,
    )  # fmt: skip
    assert response.status_code == 422 and "reason" in response.json()["errors"]
    manager_client, manager_auth = api(manager)
    response = manager_client.post(
        f"/api/pools/accounts/{account.pk}/assign",
        {"to_user_id": rep.pk}, content_type="application/json", **manager_auth,
    )  # fmt: skip
    assert response.status_code == 422  # already theirs


def test_api_pool_configuration(pool, director, rep):
    client, auth = api(director)
    created = client.post(
        "/api/pools/",
        {"name": "医疗公海", "industries": ["healthcare"],
         "rules": [{"grade": "B", "trigger": "no_opportunity", "days": 60}]},
        content_type="application/json", **auth,
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["rules"] == [{"grade": "B", "trigger": "no_opportunity", "days": 60}]
    patched = client.patch(
        f"/api/pools/{body['id']}", {"version": 0, "max_owned": 7},
        content_type="application/json", **auth,
    )  # fmt: skip
    assert patched.json()["max_owned"] == 7
    rep_client, rep_auth = api(rep)
    refused = rep_client.post(
        "/api/pools/", {"name": "x"}, content_type="application/json", **rep_auth
    )
    assert refused.status_code == 403
    bad = client.post(
        "/api/pools/", {"name": "y", "max_owned": "5"}, content_type="application/json", **auth
    )
    assert bad.status_code == 422


def test_timeline_shows_pool_events(pool, rep):
    account = pooled()
    client = client_for(rep)
    client.post(reverse("pools:claim", args=[account.pk]))
    assert PoolEvent.objects.filter(account=account).count() == 1
    body = client.get(reverse("interactions:for_account", args=[account.pk])).content.decode()
    assert "领取了客户" in body
