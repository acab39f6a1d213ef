"""Demo phase: tasks. A few hand-made tasks per rep (some overdue, some due today) so 我的一天
is not empty, the tasks derived from the deals and visits loaded before, and one inactive
group-bot example so the settings page shows what a configured bot looks like."""

from datetime import date, datetime, time, timedelta

from django.db import transaction

from kam.demo.loader_base import LOCAL, TEAM_REPS
from kam.tasks.models import Task, TeamWebhook
from kam.tasks.services.derived import tasks_sync_all
from kam.tasks.services.manual import task_complete, task_create
from kam.tasks.services.team_webhooks import team_webhook_create
from kam.users.models import User

# (title, days from today, local hour, done already)
DEMO_TASKS = [
    ("整理上周拜访纪要并发给客户", -2, 17, False),
    ("确认招标文件的资质要求", -1, 12, False),
    ("给信息中心主任回电话，约下周技术交流", 0, 10, False),
    ("准备季度客户经营分析", 0, 16, False),
    ("提交差旅报销", 0, 9, True),
    ("更新重点商机的预计签约日期", 2, 11, False),
    ("邀请客户参加产品发布会", 5, 15, False),
]
EXAMPLE_WEBHOOK_NAME = "运营商与政企一组群（示例，未启用）"


@transaction.atomic
def demo_tasks_build(*, users: dict[str, User], today: date) -> int:
    """Returns how many manual tasks were made. Reloading replaces the demo's own tasks."""
    reps = [users[name] for names in TEAM_REPS.values() for name in names]
    titles = [title for title, *_rest in DEMO_TASKS]
    Task.objects.filter(owner__in=reps, source="manual", title__in=titles).delete()
    made = 0
    for index, rep in enumerate(reps):
        # every other rep skips the first task, so the lists are not identical
        for title, days, hour, done in DEMO_TASKS[index % 2 :]:
            task = task_create(
                actor=rep,
                data={
                    "title": title,
                    "due_at": _local(today + timedelta(days=days), hour),
                },
            )
            if done:
                task_complete(task=task, actor=rep)
            made += 1
    tasks_sync_all()
    manager = users["manager1"]
    if (
        manager.team is not None
        and not TeamWebhook.objects.filter(team=manager.team, name=EXAMPLE_WEBHOOK_NAME).exists()
    ):
        team_webhook_create(
            actor=manager,
            data={
                "team": manager.team,
                "name": EXAMPLE_WEBHOOK_NAME,
                "platform": "wecom",
                "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=YOUR-BOT-KEY",
                "active": False,
            },
        )
    return made


def _local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=LOCAL)
