import pytest
from django.urls import reverse

from kam.notifications.models import Notification
from kam.notifications.services import notify
from kam.users.services import api_token_create
from tests.conftest import client_for


def _notify(user, title, url="/accounts/"):
    return notify(recipients=[user], kind="general", title=title, url=url, send_email=False)[0]


def test_inbox_shows_only_mine_unread_first(rep, colleague):
    old = _notify(rep, "旧通知已读")
    _notify(rep, "新通知未读")
    _notify(colleague, "别人的通知")
    Notification.objects.filter(pk=old.pk).update(read_at=old.created_at)
    response = client_for(rep).get(reverse("notifications:inbox"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "别人的通知" not in html
    assert html.index("新通知未读") < html.index("旧通知已读")


def test_inbox_unread_filter_and_empty_state(rep):
    read = _notify(rep, "已读的那条")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    client = client_for(rep)
    html = client.get(reverse("notifications:inbox") + "?unread=1").content.decode()
    assert "已读的那条" not in html
    assert "没有未读通知" in html
    Notification.objects.all().delete()
    assert "还没有通知" in client.get(reverse("notifications:inbox")).content.decode()


def test_mark_read_redirects_to_the_notifications_link(rep):
    note = _notify(rep, "看一下", url="/accounts/5/")
    response = client_for(rep).post(reverse("notifications:mark_read", args=[note.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/5/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_mark_read_of_someone_elses_notification_is_404(rep, colleague):
    theirs = _notify(colleague, "别人的")
    response = client_for(rep).post(reverse("notifications:mark_read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_marks_only_mine(rep, colleague):
    _notify(rep, "1")
    _notify(rep, "2")
    theirs = _notify(colleague, "3")
    response = client_for(rep).post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=rep, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_requires_post(rep):
    note = _notify(rep, "x")
    assert (
        client_for(rep).get(reverse("notifications:mark_read", args=[note.pk])).status_code == 405
    )


def test_badge_fragment_shows_unread_count_or_no_count(rep, colleague):
    client = client_for(rep)
    empty = client.get(reverse("notifications:badge")).content.decode()
    assert "bell-count" not in empty
    assert "<html" not in empty
    _notify(rep, "1")
    _notify(rep, "2")
    _notify(colleague, "3")
    html = client.get(reverse("notifications:badge")).content.decode()
    assert 'data-testid="bell-count">2<' in html


def test_base_page_has_the_bell_that_loads_its_badge_lazily(rep):
    html = client_for(rep).get(reverse("core:home")).content.decode()
    assert 'hx-get="/notifications/badge"' in html


@pytest.mark.parametrize("count", [1, 3])
def test_inbox_query_count_is_constant(rep, count, django_assert_num_queries):
    for i in range(count):
        _notify(rep, f"通知{i}")
    client = client_for(rep)
    client.get(reverse("notifications:inbox"))  # warm the session / caches
    # session + user + page of notifications
    with django_assert_num_queries(3):
        response = client.get(reverse("notifications:inbox"))
    assert response.content.decode().count('class="notification ') == count


def _api(user):
    _token, key = api_token_create(user=user, name="t")
    return client_for(user), {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_api_lists_only_my_notifications_with_paging(rep, colleague):
    for i in range(3):
        _notify(rep, f"n{i}")
    _notify(colleague, "别人的")
    client, auth = _api(rep)
    data = client.get("/api/notifications/?limit=2", **auth).json()
    assert [n["title"] for n in data["items"]] == ["n2", "n1"]
    assert data["next_offset"] == 2
    data = client.get("/api/notifications/?limit=2&offset=2", **auth).json()
    assert [n["title"] for n in data["items"]] == ["n0"]
    assert data["next_offset"] is None


def test_api_mark_read_unread_filter_and_mark_all(rep, colleague):
    first = _notify(rep, "a")
    _notify(rep, "b")
    theirs = _notify(colleague, "c")
    client, auth = _api(rep)
    response = client.post(f"/api/notifications/{first.pk}/read", **auth)
    assert response.status_code == 200
    assert response.json()["is_read"] is True
    unread = client.get("/api/notifications/?unread=true", **auth).json()["items"]
    assert [n["title"] for n in unread] == ["b"]
    assert client.post(f"/api/notifications/{theirs.pk}/read", **auth).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.post("/api/notifications/read-all", **auth).json() == {"updated": 1}
    assert client.get("/api/notifications/?unread=true", **auth).json()["items"] == []
