"""The search page and the search API."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kam.search.services import search_index_account, search_index_contact, search_index_interaction
from kam.users.services import api_token_create
from tests.conftest import client_for
from tests.factories import AccountFactory, ContactFactory, InteractionFactory


@pytest.fixture
def world(rep, other_rep):
    account = AccountFactory(name="陕西移动西安分公司", owner=rep)
    search_index_account(account)
    person = ContactFactory(account=account, name="张伟", title="采购副总")
    search_index_contact(person)
    visit = InteractionFactory(
        account=account, subject="机房改造", content="在三楼会议室见了采购副总，谈 <b>预算</b>。"
    )
    search_index_interaction(visit)
    other = AccountFactory(name="宁夏电力", owner=other_rep)
    search_index_interaction(
        InteractionFactory(account=other, subject="电力调度", content="和采购副总谈了云平台。")
    )
    return {"account": account, "person": person, "visit": visit}


def test_search_page_shows_empty_state_when_no_query(rep_client):
    response = rep_client.get("/search/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "输入要查找的内容" in html
    assert 'data-testid="search-hit"' not in html


def test_search_page_lists_visible_hits_with_highlights(world, rep_client):
    response = rep_client.get("/search/", {"q": "采购副总"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="search-hit"') == 2
    assert "<mark>采购副总</mark>" in html
    assert f'href="/interactions/{world["visit"].pk}/"' in html
    assert f'href="/contacts/{world["person"].pk}/"' in html
    assert "电力调度" not in html  # another team's account
    assert "&lt;b&gt;预算&lt;/b&gt;" in html  # escaped
    # The query stays in the top bar's search box (and in the page's own form).
    topbar = html[html.index('class="topsearch"') : html.index("</form>", html.index("topsearch"))]
    assert 'value="采购副总"' in topbar
    assert [h.kind for h in response.context["found"]] == ["interaction", "contact"]
    tabs = {t["kind"]: t["count"] for t in response.context["tabs"]}
    assert tabs == {
        "": 2,
        "account": 0,
        "contact": 1,
        "interaction": 1,
        "opportunity": 0,
        "quote": 0,
        "approval": 0,
        "lead": 0,
        "pool": 0,
        "intent": 0,
        "review": 0,
        "review_comment": 0,
        "contract": 0,
        "invoice": 0,
        "receipt": 0,
    }


def test_search_page_filters_by_kind(world, rep_client):
    response = rep_client.get("/search/", {"q": "采购副总", "kind": "contact"})
    assert [h.kind for h in response.context["found"]] == ["contact"]
    assert 'class="active" data-testid="search-tab-contact"' in response.content.decode()


def test_search_page_shows_empty_state_when_nothing_matches(world, rep_client):
    html = rep_client.get("/search/", {"q": "副采"}).content.decode()
    assert "没有找到匹配的内容" in html
    assert 'data-testid="search-hit"' not in html


def test_search_page_pages_with_htmx_more(rep, rep_client):
    account = AccountFactory(owner=rep)
    for n in range(25):
        search_index_interaction(
            InteractionFactory(account=account, subject=f"交流{n}", content="数据治理")
        )
    first = rep_client.get("/search/", {"q": "数据治理"})
    assert len(first.context["found"]) == 20
    next_before_id = first.context["found"].next_before_id
    assert f"before_id={next_before_id}" in first.content.decode()
    more = rep_client.get(
        "/search/", {"q": "数据治理", "before_id": next_before_id}, HTTP_HX_REQUEST="true"
    )
    html = more.content.decode()
    assert html.count('data-testid="search-hit"') == 5
    assert "<html" not in html  # a fragment, appended in place of the button
    assert 'data-testid="search-more"' not in html


def test_search_page_query_count_is_the_same_for_one_and_three_hits(rep):
    account = AccountFactory(owner=rep)

    def queries_for_page(expected_hits):
        client = client_for(rep)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/search/", {"q": "数据治理"})
        assert len(response.context["found"]) == expected_hits
        return len(ctx.captured_queries)

    search_index_interaction(InteractionFactory(account=account, content="数据治理"))
    one = queries_for_page(1)
    for _ in range(2):
        search_index_interaction(InteractionFactory(account=account, content="数据治理"))
    assert queries_for_page(3) == one


def api_get(user, **params):
    _, key = api_token_create(user=user, name="t")
    return client_for(user).get("/api/search", params, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_search_api_returns_visible_items_and_cursor(world, rep):
    response = api_get(rep, q="采购副总", limit=1)
    assert response.status_code == 200
    data = response.json()
    assert len(data["items"]) == 1
    item = data["items"][0]
    assert item["kind"] == "interaction"
    assert item["object_id"] == world["visit"].pk
    assert item["account_name"] == "陕西移动西安分公司"
    assert "<mark>采购副总</mark>" in item["snippet_html"]
    assert item["title_html"] == "机房改造"
    assert item["url"] == f"/interactions/{world['visit'].pk}/"
    assert data["next_before_id"] is not None
    rest = api_get(rep, q="采购副总", before_id=data["next_before_id"]).json()
    assert [i["kind"] for i in rest["items"]] == ["contact"]
    assert rest["next_before_id"] is None


def test_search_api_hides_other_reps_records_and_gm_sees_all(world, rep, gm):
    assert {i["title"] for i in api_get(rep, q="云平台").json()["items"]} == set()
    assert {i["title"] for i in api_get(gm, q="云平台").json()["items"]} == {"电力调度"}


def test_search_api_rejects_bad_kind_with_field_error(world, rep):
    response = api_get(rep, q="采购", kind="nonsense")
    assert response.status_code == 422
    assert "kind" in response.json()["errors"]


def test_search_api_requires_token(world):
    assert Client().get("/api/search", {"q": "采购"}).status_code == 401


def test_search_api_clamps_limit(world, rep):
    data = api_get(rep, q="采购副总", limit=1000).json()
    assert len(data["items"]) == 2
    assert len(api_get(rep, q="采购副总", limit=0).json()["items"]) == 1
