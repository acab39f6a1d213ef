"""The generic saved-view endpoints (R-UI-1): one set of URLs for every list."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kam.users.models import SavedView
from kam.users.services import saved_view_save
from tests.conftest import client_for

SAVE = reverse("users:saved_view_save")


def _delete_url(view: SavedView) -> str:
    return reverse("users:saved_view_delete", args=[view.pk])


def _default_url(view: SavedView) -> str:
    return reverse("users:saved_view_default", args=[view.pk])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("list_key", "list_url"),
    [("accounts", "/accounts/"), ("contacts", "/contacts/"), ("interactions", "/interactions/")],
)
def test_save_stores_the_view_and_opens_it(rep, list_key, list_url):
    response = client_for(rep).post(
        SAVE,
        {
            "list_key": list_key,
            "name": " 我的视图 ",
            "query_string": "q=张&sort=name&page=4&reset=1",
            "is_default": "on",
        },
    )
    view = SavedView.objects.get(user=rep, list_key=list_key)
    assert (view.name, view.query_string, view.is_default) == (
        "我的视图",
        "q=%E5%BC%A0&sort=name",
        True,
    )
    assert response.status_code == 302
    assert response["Location"] == f"{list_url}?{view.query_string}"


@pytest.mark.django_db
def test_save_with_the_same_name_overwrites_and_keeps_one_default(rep):
    client = client_for(rep)
    client.post(
        SAVE, {"list_key": "contacts", "name": "A", "query_string": "q=1", "is_default": "on"}
    )
    client.post(
        SAVE, {"list_key": "contacts", "name": "B", "query_string": "q=2", "is_default": "on"}
    )
    client.post(SAVE, {"list_key": "contacts", "name": "A", "query_string": "q=3"})
    views = {v.name: v for v in SavedView.objects.filter(user=rep, list_key="contacts")}
    assert set(views) == {"A", "B"}
    assert views["A"].query_string == "q=3"
    assert not views["A"].is_default
    assert views["B"].is_default


@pytest.mark.django_db
def test_save_for_an_unknown_list_is_refused(rep):
    response = client_for(rep).post(
        SAVE, {"list_key": "payroll", "name": "x", "query_string": "a=1"}
    )
    assert response.status_code == 400
    assert not SavedView.objects.exists()


@pytest.mark.django_db
def test_save_without_a_name_writes_nothing(rep):
    response = client_for(rep).post(
        SAVE, {"list_key": "interactions", "name": "  ", "query_string": "kind=visit"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/interactions/?kind=visit"
    assert not SavedView.objects.exists()


@pytest.mark.django_db
def test_service_refuses_an_unknown_list_key(rep):
    with pytest.raises(ValidationError) as error:
        saved_view_save(
            user=rep, list_key="nope", name="x", query_string="", columns=[], is_default=False
        )
    assert "list_key" in error.value.message_dict
    assert not SavedView.objects.exists()


@pytest.mark.django_db
def test_set_default_and_delete_follow_a_safe_next(rep):
    view = SavedView.objects.create(user=rep, list_key="contacts", name="V", query_string="q=1")
    client = client_for(rep)
    response = client.post(_default_url(view), {"is_default": "1", "next": "/contacts/?reset=1"})
    assert response["Location"] == "/contacts/?reset=1"
    view.refresh_from_db()
    assert view.is_default
    # the default view now applies when the list opens without parameters
    opened = client.get(reverse("contacts:list"))
    assert (opened.status_code, opened["Location"]) == (302, "/contacts/?q=1")
    response = client.post(_delete_url(view), {"next": "/contacts/?reset=1"})
    assert response["Location"] == "/contacts/?reset=1"
    assert not SavedView.objects.exists()
    assert client.get(reverse("contacts:list")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_unsafe_next_falls_back_to_the_list(rep, unsafe):
    view = SavedView.objects.create(user=rep, list_key="interactions", name="V")
    client = client_for(rep)
    response = client.post(_default_url(view), {"is_default": "1", "next": unsafe})
    assert response["Location"] == "/interactions/?reset=1"
    response = client.post(_delete_url(view), {"next": unsafe})
    assert response["Location"] == "/interactions/?reset=1"
    assert not SavedView.objects.exists()


@pytest.mark.django_db
def test_another_users_view_cannot_be_deleted_defaulted_or_applied(rep, colleague):
    theirs = SavedView.objects.create(
        user=colleague, list_key="accounts", name="同事的", query_string="industry=telecom",
        is_default=True,
    )  # fmt: skip
    client = client_for(rep)
    assert client.post(_delete_url(theirs)).status_code == 404
    assert client.post(_default_url(theirs), {"is_default": "0"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_default
    # their default never applies to me, and their views are not listed on my page
    response = client.get(reverse("accounts:list"))
    assert response.status_code == 200
    assert "同事的" not in response.text


@pytest.mark.django_db
def test_endpoints_only_accept_post(rep):
    view = SavedView.objects.create(user=rep, list_key="accounts", name="V")
    client = client_for(rep)
    assert client.get(SAVE).status_code == 405
    assert client.get(_delete_url(view)).status_code == 405
    assert SavedView.objects.filter(pk=view.pk).exists()
