"""Jobs for tasks: sync derived tasks, send due reminders, the morning digest, and the group-bot
post. Thin wrappers; the work is in services and webhooks."""

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kam.tasks.services.derived import tasks_sync_all
from kam.tasks.services.reminders import reminders_due_send, tasks_digest_send
from kam.tasks.webhooks import webhook_delivery_send


@task
def webhook_deliver(delivery_id: int) -> str:
    delivery = webhook_delivery_send(delivery_id)
    return delivery.status if delivery is not None else ""


@db_periodic_task(crontab(minute="*/15"))
def tasks_sync() -> dict[str, int]:
    return tasks_sync_all()


@db_periodic_task(crontab(minute="*/5"))
def task_reminders_send() -> int:
    return reminders_due_send()


# 08:30 in Asia/Shanghai (huey's crontab is UTC).
@db_periodic_task(crontab(hour="0", minute="30"))
def task_digest_send() -> int:
    return tasks_digest_send()
