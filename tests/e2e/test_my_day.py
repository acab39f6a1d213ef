"""My day in a real browser: quick-add and one-click complete swap the task groups via htmx."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kam.tasks.models import Task
from tests.e2e.conftest import login, screenshot
from tests.factories import AccountFactory, OpportunityFactory
from tests.tasks.conftest import TaskFactory, TeamWebhookFactory


@pytest.mark.django_db(transaction=True)
def test_rep_adds_and_completes_tasks_on_my_day(live_server, page, shipped_processes, rep):
    now = timezone.now()
    account = AccountFactory(owner=rep, name="陕西省人民医院")
    OpportunityFactory(account=account, owner=rep, name="数据中心扩容", intent_class="A")
    TaskFactory(owner=rep, title="确认招标文件的资质要求", due_at=now - timedelta(days=1))
    overdue = Task.objects.get()
    TaskFactory(owner=rep, title="邀请客户参加产品发布会", due_at=now + timedelta(days=3))

    login(page, live_server.url, "rep")
    page.click("[data-nav=my_day]")
    page.wait_for_selector("[data-testid=group-overdue]")
    page.fill("[data-testid=quick-add] input[name=title]", "给信息中心主任回电话")
    page.fill("[data-testid=quick-add] input[name=due_date]", timezone.localdate().isoformat())
    page.click("[data-testid=quick-add] button[type=submit]")
    page.wait_for_selector("[data-testid=group-today] >> text=给信息中心主任回电话")
    assert Task.objects.filter(owner=rep, title="给信息中心主任回电话").exists()

    page.click(f"[data-testid=complete-{overdue.pk}]")
    page.wait_for_selector("[data-testid=group-done]")
    assert page.locator("[data-testid=group-overdue]").count() == 0
    assert page.inner_text("[data-testid=overdue-count]") == "0"
    assert page.inner_text("[data-testid=today-count]") == "1"
    overdue.refresh_from_db()
    assert overdue.done_by == rep
    screenshot(page, "my-day")


@pytest.mark.django_db(transaction=True)
def test_manager_sees_the_group_bot_settings(live_server, page, manager, team_one):
    TeamWebhookFactory(
        team=team_one,
        name="一组群（示例，未启用）",
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=YOUR-BOT-KEY",
        active=False,
    )
    login(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/tasks/webhooks/")
    page.wait_for_selector("[data-testid=webhook-list]")
    assert "YOUR-BOT-KEY" in page.inner_text("[data-testid=webhook-url]")
    screenshot(page, "task-webhooks")
