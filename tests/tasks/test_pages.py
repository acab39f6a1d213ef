"""Pages: my day (with its htmx quick-add and one-click complete), the list, the editor and the
group-bot settings."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kam.tasks.models import Task, TeamWebhook, WebhookDelivery
from tests.conftest import client_for
from tests.factories import AccountFactory, InteractionFactory, OpportunityFactory
from tests.tasks.conftest import TaskFactory, TeamWebhookFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _tasks_for(user, n):
    now = timezone.now()
    return [TaskFactory(owner=user, title=f"任务{i}", due_at=now + timedelta(minutes=5 + i))
            for i in range(n)]  # fmt: skip


def test_my_day_groups(rep, rep_client):
    now = timezone.now()
    TaskFactory(owner=rep, title="逾期的", due_at=now - timedelta(days=2))
    TaskFactory(owner=rep, title="下周的", due_at=now + timedelta(days=3))
    TaskFactory(owner=rep, title="没日期的")
    TaskFactory(owner=rep, title="刚做完的", done_at=now, due_at=now)
    TaskFactory(owner=rep, title="下个月的", due_at=now + timedelta(days=40))
    account = AccountFactory(owner=rep, name="西安电信")
    InteractionFactory(account=account, next_step="演示新版本", next_step_date=timezone.localdate())
    OpportunityFactory(account=account, name="A类大单", intent_class="A")
    OpportunityFactory(account=account, name="B类小单", intent_class="B")
    response = rep_client.get("/my-day/")
    assert response.status_code == 200
    day = response.context["day"]
    assert [t.title for t in day.overdue] == ["逾期的"]
    assert [t.title for t in day.upcoming] == ["下周的"]
    assert [t.title for t in day.undated] == ["没日期的"]
    assert [t.title for t in day.done_today] == ["刚做完的"]
    html = response.content.decode()
    assert "下个月的" not in html and "演示新版本" in html
    assert "A类大单" in html and "B类小单" not in html
    assert 'data-nav="my_day"' in html


def test_my_day_empty_state(rep_client):
    assert "今天没有待办" in rep_client.get("/my-day/").content.decode()


def test_quick_add_with_htmx(rep, rep_client):
    today = timezone.localdate().isoformat()
    response = rep_client.post(
        "/tasks/quick-add/", {"title": "给张主任回电话", "due_date": today}, **HTMX
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="my-day-groups"')
    task = Task.objects.get(owner=rep)
    assert task.title == "给张主任回电话" and task.source == "manual"
    assert timezone.localtime(task.due_at).hour == 18
    assert [t.pk for t in response.context["day"].due_today] == [task.pk]
    bad = rep_client.post("/tasks/quick-add/", {"title": ""}, **HTMX)
    assert "这个字段是必填项" in bad.content.decode() or "required" in bad.content.decode()
    assert Task.objects.count() == 1


def test_complete_with_one_click(rep, rep_client, other_rep):
    task = TaskFactory(owner=rep, due_at=timezone.now())
    response = rep_client.post(f"/tasks/{task.pk}/complete/", {"from": "my_day"}, **HTMX)
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.done_by == rep
    assert [t.pk for t in response.context["day"].done_today] == [task.pk]
    rep_client.post(f"/tasks/{task.pk}/reopen/", {"from": "list"})
    task.refresh_from_db()
    assert task.done_at is None
    theirs = TaskFactory(owner=other_rep)
    assert rep_client.post(f"/tasks/{theirs.pk}/complete/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.done_at is None


def test_sync_button(rep, rep_client):
    from tests.factories import ActionItemFactory

    ActionItemFactory(opportunity=OpportunityFactory(account=AccountFactory(owner=rep)))
    response = rep_client.post("/tasks/sync/")
    assert response.status_code == 302
    assert Task.objects.filter(owner=rep, source="action_item").count() == 1


def test_list_scopes_and_filters(rep, colleague, manager):
    mine = TaskFactory(owner=rep, title="我的")
    TaskFactory(owner=colleague, title="同事的")
    done = TaskFactory(owner=rep, title="做完的", done_at=timezone.now())
    rows = client_for(rep).get("/tasks/").context["page_obj"].object_list
    assert [t.pk for t in rows] == [mine.pk]  # open by default
    rows = client_for(rep).get("/tasks/?status=done").context["page_obj"].object_list
    assert [t.pk for t in rows] == [done.pk]
    # a rep asking for the team still sees only their own
    rows = client_for(rep).get("/tasks/?scope=team&status=").context["page_obj"].object_list
    assert {t.title for t in rows} == {"我的", "做完的"}
    rows = client_for(manager).get("/tasks/?scope=team&status=open").context["page_obj"].object_list
    assert {t.title for t in rows} == {"我的", "同事的"}
    assert client_for(manager).get("/tasks/").context["page_obj"].object_list == []


def test_edit_page(rep, rep_client):
    task = TaskFactory(owner=rep, title="旧标题")
    assert rep_client.get(f"/tasks/{task.pk}/").status_code == 200
    response = rep_client.post(f"/tasks/{task.pk}/", {
        "version": 0, "title": "新标题", "owner": rep.pk, "due_date": "2026-12-01",
        "due_time": "15:30", "remind_at": "2026-12-01T08:00", "note": "",
    })  # fmt: skip
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.title == "新标题"
    assert timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M") == "2026-12-01 15:30"
    assert timezone.localtime(task.remind_at).strftime("%H:%M") == "08:00"
    stale = rep_client.post(f"/tasks/{task.pk}/", {"version": 0, "title": "x", "owner": rep.pk})
    assert "该记录已被他人修改" in stale.content.decode()


def test_create_page(rep, rep_client):
    response = rep_client.post("/tasks/new/", {"title": "新任务", "owner": rep.pk, "due_date": ""})
    assert response.status_code == 302
    assert Task.objects.get().title == "新任务"


def test_derived_task_form_locks_source_fields(rep, rep_client):
    task = TaskFactory(owner=rep, source="approval", source_key="approval_step:9", title="审批：x")
    response = rep_client.post(
        f"/tasks/{task.pk}/", {"version": 0, "title": "改掉", "note": "已电话沟通"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.title == "审批：x" and task.note == "已电话沟通"


@pytest.mark.parametrize("count", [1, 3])
def test_query_counts(count, rep, django_assert_num_queries):
    client = client_for(rep)
    _tasks_for(rep, count)
    client.get("/my-day/")  # warm caches (content types, sessions)
    with django_assert_num_queries(QUERIES["my_day"]):
        client.get("/my-day/")
    with django_assert_num_queries(QUERIES["list"]):
        client.get("/tasks/")


QUERIES = {"my_day": 7, "list": 4}


def test_webhook_page_masks_the_url_for_non_managers(rep, manager, team_one):
    TeamWebhookFactory(
        team=team_one, url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRETKEY1234"
    )
    as_rep = client_for(rep).get("/tasks/webhooks/").content.decode()
    assert "SECRETKEY" not in as_rep and "******" in as_rep
    assert 'data-testid="webhook-form"' not in as_rep
    as_manager = client_for(manager).get("/tasks/webhooks/").content.decode()
    assert "SECRETKEY1234" in as_manager and 'data-testid="webhook-form"' in as_manager


def test_manager_adds_and_tests_a_bot(manager, team_one, receiver):
    client = client_for(manager)
    response = client.post("/tasks/webhooks/", {
        "team": team_one.pk, "name": "一组群", "platform": "wecom",
        "url": f"{receiver.url}/send?key=k", "active": "on", "send_reminders": "on",
    })  # fmt: skip
    assert response.status_code == 302
    hook = TeamWebhook.objects.get()
    assert not hook.send_digest
    response = client.post(f"/tasks/webhooks/{hook.pk}/test/", follow=True)
    assert "测试消息已发送" in response.content.decode()
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get().status == "sent"
    page = client.get("/tasks/webhooks/").content.decode()
    assert "测试消息" in page and "已发送" in page


def test_bad_bot_form_shows_errors(manager, team_one):
    response = client_for(manager).post("/tasks/webhooks/", {
        "team": team_one.pk, "name": "群", "platform": "feishu", "url": "javascript:alert(1)",
    })  # fmt: skip
    assert response.status_code == 422
    assert "请填写以 http:// 或 https:// 开头的地址。" in response.content.decode()
    assert not TeamWebhook.objects.exists()


def test_edit_bot(manager, team_one):
    hook = TeamWebhookFactory(team=team_one)
    client = client_for(manager)
    assert client.get(f"/tasks/webhooks/{hook.pk}/").status_code == 200
    response = client.post(f"/tasks/webhooks/{hook.pk}/", {
        "version": 0, "team": team_one.pk, "name": "改名", "platform": "wecom", "url": hook.url,
    })  # fmt: skip
    assert response.status_code == 302
    hook.refresh_from_db()
    assert hook.name == "改名" and not hook.active
