"""The permission matrix (R-SEC-1): every role against every page and endpoint of the foundation.

The rep owns account A; a rep of another team owns account B. Each role must see exactly the
records the visibility model allows — by URL, API, search and in lists — and get 404 for the rest.
"""

import pytest
from django.urls import reverse

from kam.search.services import (
    search_index_account,
    search_index_contact,
    search_index_interaction,
)
from kam.users.services import api_token_create
from tests.conftest import PERSONAS, client_for
from tests.factories import (
    AccountFactory,
    AccountTeamMemberFactory,
    ContactFactory,
    InteractionFactory,
)

pytestmark = pytest.mark.django_db

# Who sees the rep's account A (solution_manager is on its team) and the other rep's account B.
SEES_A = {"gm", "admin_user", "director", "manager", "rep", "solution_manager"}
SEES_B = {"gm", "admin_user", "director", "other_manager", "other_rep"}


@pytest.fixture
def world(rep, other_rep, solution_manager, colleague, manager, other_manager, director, gm,
          admin_user, finance):  # fmt: skip
    a = AccountFactory(name="甲方集团有限公司", owner=rep)
    b = AccountFactory(name="乙方医院", owner=other_rep)
    AccountTeamMemberFactory(account=a, user=solution_manager, role="solution")
    records = {}
    for key, account, owner in (("a", a, rep), ("b", b, other_rep)):
        contact = ContactFactory(account=account, name=f"联系人{key.upper()}")
        interaction = InteractionFactory(
            account=account, created_by=owner, subject=f"拜访{key}",
            content=f"与采购副总沟通 marker{key} 项目",
        )  # fmt: skip
        search_index_account(account)
        search_index_contact(contact)
        search_index_interaction(interaction)
        records[key] = {"account": account, "contact": contact, "interaction": interaction}
    return records


def detail_urls(records: dict) -> list[str]:
    return [
        reverse("accounts:detail", args=[records["account"].pk]),
        reverse("contacts:detail", args=[records["contact"].pk]),
        reverse("interactions:detail", args=[records["interaction"].pk]),
    ]


def api_urls(records: dict) -> list[str]:
    return [
        f"/api/accounts/{records['account'].pk}",
        f"/api/contacts/{records['contact'].pk}",
        f"/api/interactions/{records['interaction'].pk}",
    ]


@pytest.mark.parametrize("role", PERSONAS)
@pytest.mark.parametrize("subject", ["a", "b"])
def test_detail_pages_follow_visibility(request, world, role, subject):
    user = request.getfixturevalue(role)
    allowed = role in (SEES_A if subject == "a" else SEES_B)
    client = client_for(user)
    for url in detail_urls(world[subject]):
        assert client.get(url).status_code == (200 if allowed else 404), url


@pytest.mark.parametrize("role", PERSONAS)
@pytest.mark.parametrize("subject", ["a", "b"])
def test_api_follows_visibility(request, world, role, subject):
    user = request.getfixturevalue(role)
    allowed = role in (SEES_A if subject == "a" else SEES_B)
    _token, key = api_token_create(user=user, name="matrix")
    for url in api_urls(world[subject]):
        response = client_for(user).get(url, HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == (200 if allowed else 404), url


@pytest.mark.parametrize("role", PERSONAS)
def test_lists_search_and_api_lists_show_only_visible_records(request, world, role):
    user = request.getfixturevalue(role)
    client = client_for(user)
    _token, key = api_token_create(user=user, name="matrix")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    for subject, allowed in (("a", role in SEES_A), ("b", role in SEES_B)):
        records = world[subject]
        pages = {
            reverse("accounts:list"): records["account"].name,
            reverse("contacts:list"): records["contact"].name,
            reverse("interactions:list"): records["interaction"].subject,
            reverse("search:results") + f"?q=marker{subject}": records["interaction"].subject,
        }
        for url, text in pages.items():
            assert (text in client.get(url).content.decode()) == allowed, (url, subject)
        api_lists = {
            "/api/accounts/": records["account"].pk,
            "/api/contacts/": records["contact"].pk,
            "/api/interactions/": records["interaction"].pk,
            f"/api/search?q=marker{subject}": records["interaction"].pk,
        }
        for url, pk in api_lists.items():
            items = client.get(url, **auth).json()["items"]
            ids = {item.get("object_id", item.get("id")) for item in items}
            assert (pk in ids) == allowed, (url, subject)


@pytest.mark.parametrize("role", PERSONAS)
def test_every_page_of_the_foundation_renders_for_every_role(request, world, role):
    user = request.getfixturevalue(role)
    client = client_for(user)
    for name in ["core:home", "accounts:list", "accounts:create", "contacts:list",
                 "interactions:list", "search:results", "users:profile",
                 "products:list", "notifications:inbox",
                 "opportunities:processes"]:  # fmt: skip
        assert client.get(reverse(name)).status_code == 200, name
    expected_exports = 200 if role in {"gm", "admin_user"} else 403
    assert client.get(reverse("audit:exports")).status_code == expected_exports


def test_api_refuses_requests_without_a_valid_token(world):
    from django.test import Client

    anonymous = Client()
    assert anonymous.get("/api/accounts/").status_code == 401
    assert anonymous.get("/api/accounts/", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_deactivated_users_token_stops_working_at_once(world, rep):
    _token, key = api_token_create(user=rep, name="t")
    client = client_for(rep)
    assert client.get("/api/accounts/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    assert client.get("/api/accounts/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


# Who may change the rep's account A (its owner and everyone above the owner) and B.
EDITS_A = {"gm", "admin_user", "director", "manager", "rep"}
EDITS_B = {"gm", "admin_user", "director", "other_manager", "other_rep"}


def write_requests(records: dict) -> list[tuple[str, str]]:
    account, contact = records["account"].pk, records["contact"].pk
    interaction = records["interaction"].pk
    return [
        ("get", reverse("accounts:edit", args=[account])),
        ("get", reverse("accounts:merge", args=[account])),
        ("post", reverse("accounts:change_grade", args=[account])),
        ("post", reverse("accounts:verify", args=[account])),
        ("post", reverse("accounts:member_add", args=[account])),
        ("get", reverse("contacts:edit", args=[contact])),
        ("get", reverse("contacts:create") + f"?account={account}"),
        ("post", reverse("contacts:scores", args=[contact])),
        ("post", reverse("contacts:status", args=[contact])),
        ("post", reverse("contacts:guide_cost", args=[contact])),
        ("post", reverse("contacts:plan_create", args=[contact])),
        ("get", reverse("interactions:edit", args=[interaction])),
        ("post", reverse("interactions:attachment_upload", args=[interaction])),
    ]


@pytest.mark.parametrize("role", PERSONAS)
@pytest.mark.parametrize("subject", ["a", "b"])
def test_write_pages_follow_edit_rights(request, world, role, subject):
    """Invisible → 404; visible but read-only (team member, pool) → 403; editors reach the form."""
    user = request.getfixturevalue(role)
    sees = role in (SEES_A if subject == "a" else SEES_B)
    edits = role in (EDITS_A if subject == "a" else EDITS_B)
    client = client_for(user)
    for method, url in write_requests(world[subject]):
        status = getattr(client, method)(url).status_code
        if not sees:
            assert status == 404, (method, url, status)
        elif not edits:
            assert status == 403, (method, url, status)
        else:
            assert status in {200, 302, 400}, (method, url, status)  # 400: the form, with errors


@pytest.mark.parametrize("role", PERSONAS)
def test_pool_account_is_visible_read_only_until_claimed(request, world, role):
    user = request.getfixturevalue(role)
    pool_account = AccountFactory(name="公海客户", owner=None, team=None)
    client = client_for(user)
    assert client.get(reverse("accounts:detail", args=[pool_account.pk])).status_code == 200
    expected_edit = 200 if role in {"gm", "admin_user"} else 403
    assert client.get(reverse("accounts:edit", args=[pool_account.pk])).status_code == expected_edit
