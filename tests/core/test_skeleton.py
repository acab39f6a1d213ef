import pytest
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_pages_redirect_to_login_when_anonymous(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("users:login") in response["Location"]


def test_login_page_is_chinese_by_default(client):
    response = client.get(reverse("users:login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_login_page_switches_to_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("users:login"))
    assert "Sign in" in response.content.decode()


def test_home_renders_for_a_new_rep_with_no_data(rep):
    response = client_for(rep).get(reverse("core:home"))
    assert response.status_code == 200
    assert "还没有拜访记录" in response.content.decode()


def test_pages_send_a_strict_content_security_policy(client):
    policy = client.get(reverse("users:login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_openapi_document_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "KAM API"


def test_chinese_is_the_default_even_for_an_english_browser(client):
    response = client.get(reverse("users:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in response.content.decode()


def test_api_docs_page_loads_nothing_from_a_cdn(client):
    page = client.get("/api/docs").content.decode()
    assert "swagger-ui-bundle.js" in page
    assert "cdn." not in page
    assert "https://" not in page


def test_home_counts_the_whole_team_for_a_manager(rep, colleague, manager, other_rep):
    from tests.factories import AccountFactory, InteractionFactory

    AccountFactory(owner=rep)
    InteractionFactory(account=AccountFactory(owner=colleague))
    AccountFactory(owner=other_rep)
    manager_page = client_for(manager).get(reverse("core:home"))
    assert manager_page.context["account_count"] == 2
    assert "我和下属负责的客户" in manager_page.content.decode()
    assert client_for(rep).get(reverse("core:home")).context["account_count"] == 1
