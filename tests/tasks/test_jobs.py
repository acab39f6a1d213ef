"""The periodic jobs are thin wrappers over the services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kam.notifications.models import Notification
from kam.tasks.models import Task
from kam.tasks.tasks import task_digest_send, task_reminders_send, tasks_sync
from tests.factories import AccountFactory, ActionItemFactory, OpportunityFactory
from tests.tasks.conftest import TaskFactory

pytestmark = pytest.mark.django_db


def test_jobs_run_the_services(rep):
    ActionItemFactory(opportunity=OpportunityFactory(account=AccountFactory(owner=rep)))
    assert tasks_sync.call_local()["created"] == 1
    TaskFactory(owner=rep, remind_at=timezone.now() - timedelta(minutes=1))
    assert task_reminders_send.call_local() == 1
    TaskFactory(owner=rep, due_at=timezone.now() - timedelta(hours=1))
    assert task_digest_send.call_local() == 1
    assert Notification.objects.filter(recipient=rep).count() == 2
    assert Task.objects.filter(owner=rep).count() == 3
