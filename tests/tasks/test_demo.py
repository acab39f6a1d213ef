"""The demo phase: tasks for the demo reps and an inactive example bot, reloadable."""

from datetime import date

import pytest
from django.utils import timezone

from kam.demo.loader_tasks import EXAMPLE_WEBHOOK_NAME, demo_tasks_build
from kam.demo.people import demo_org_create
from kam.tasks.models import Task, TeamWebhook

pytestmark = pytest.mark.django_db


def test_demo_tasks_are_built_and_rebuilt():
    users = demo_org_create()
    today = timezone.localdate()
    assert demo_tasks_build(users=users, today=today) == 26
    rep1 = users["rep1"]
    mine = Task.objects.filter(owner=rep1)
    assert mine.filter(done_at__isnull=True, due_at__lt=timezone.now()).exists()
    assert mine.filter(done_at__isnull=False).count() == 1
    hook = TeamWebhook.objects.get(name=EXAMPLE_WEBHOOK_NAME)
    assert not hook.active and hook.team == users["manager1"].team
    assert demo_tasks_build(users=users, today=date(2026, 11, 24)) == 26
    assert Task.objects.filter(source="manual").count() == 26
    assert TeamWebhook.objects.count() == 1
