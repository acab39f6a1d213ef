"""The permission matrix (R-SEC-1) for the public pool: every role against every pool page and
endpoint. The rep holds a protected account; another team's rep holds a protected one and a
lapsed one; one account is free in the pool."""

import pytest
from django.test import Client
from django.urls import reverse

from kam.pools.models import Pool
from kam.users.services import api_token_create
from tests.conftest import PERSONAS, client_for
from tests.pools.conftest import held, pool_with_known_rules, pooled

pytestmark = pytest.mark.django_db

ASSIGNERS = {"gm", "admin_user", "director", "manager", "other_manager"}
CONFIGURERS = {"gm", "admin_user", "director"}
SEES_REPS_ACCOUNT = {"gm", "admin_user", "director", "manager", "rep"}
# What those who see it may do with it is tested in tests/pools.
SEES_OTHER_TEAMS_ACCOUNT = {"gm", "admin_user", "director", "other_manager", "other_rep"}


@pytest.fixture
def pool(db) -> Pool:
    return pool_with_known_rules()


@pytest.fixture
def world(pool, rep, other_rep):
    return {
        "mine": held(rep, days_ago=5, name="李销售的客户"),
        "theirs": held(other_rep, days_ago=5, name="二组的客户"),
        "lapsed": held(other_rep, days_ago=45, name="二组过期的客户"),
        "free": pooled(name="无主客户"),
    }


@pytest.mark.parametrize("role", PERSONAS)
def test_pages(role, request, world, pool):
    user = request.getfixturevalue(role)
    client = client_for(user)
    pool_page = client.get(reverse("pools:pool", args=[pool.pk])).content.decode()
    assert "无主客户" in pool_page and "二组过期的客户" in pool_page
    assert "二组的客户" not in pool_page and "李销售的客户" not in pool_page
    assert client.get(reverse("pools:mine")).status_code == 200
    assert client.get(reverse("pools:settings")).status_code == 200
    expected = 200 if role in ASSIGNERS or role in CONFIGURERS else 403
    assert client.get(reverse("pools:expiring")).status_code == expected
    expected = 200 if role in CONFIGURERS else 403
    assert client.get(reverse("pools:create")).status_code == expected
    assert client.get(reverse("pools:edit", args=[pool.pk])).status_code == expected


@pytest.mark.parametrize("role", [r for r in PERSONAS if r not in SEES_OTHER_TEAMS_ACCOUNT])
def test_another_teams_protected_account_is_invisible_to_claim_release_and_assign(
    role, request, world
):
    user = request.getfixturevalue(role)
    client = client_for(user)
    theirs = world["theirs"]
    for name in ("pools:claim", "pools:release", "pools:assign"):
        response = client.post(reverse(name, args=[theirs.pk]), {"reason": "x", "version": 0})
        assert response.status_code in (403, 404), (name, response.status_code)
    theirs.refresh_from_db()
    assert theirs.owner.username == "other_rep"


@pytest.mark.parametrize("role", PERSONAS)
def test_api(role, request, world, pool):
    user = request.getfixturevalue(role)
    _token, key = api_token_create(user=user, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    client = Client()
    rows = client.get(f"/api/pools/{pool.pk}/accounts", **auth).json()["items"]
    assert {row["name"] for row in rows} == {"无主客户", "二组过期的客户"}
    mine = world["mine"]
    events = client.get(f"/api/pools/accounts/{mine.pk}/events", **auth)
    assert events.status_code == (200 if role in SEES_REPS_ACCOUNT else 404)
    claim = client.post(f"/api/pools/accounts/{mine.pk}/claim", **auth)
    if role not in SEES_REPS_ACCOUNT:
        assert claim.status_code == 404
    mine.refresh_from_db()
    assert mine.owner.username == "rep"
    created = client.post(
        "/api/pools/", {"name": f"{role}公海"}, content_type="application/json", **auth
    )
    assert created.status_code == (201 if role in CONFIGURERS else 403)
