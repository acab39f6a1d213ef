import pytest
from django.tasks import Task, task
from django.utils.module_loading import import_string

from kam.checklists.services import OWED_SYNC_JOB
from kam.core.jobs import HueyBackend, enqueue_after_commit
from kam.notifications.services import EMAIL_JOB
from kam.pools.services.config import REDERIVE_JOB
from kam.tasks.webhooks import DELIVERY_JOB

ran: list[int] = []


@task
def remember(value: int) -> int:
    ran.append(value)
    return value * 2


def test_enqueued_task_runs_through_huey():
    # Tests run huey in immediate mode, so the job has run by the time enqueue returns.
    result = remember.enqueue(21)
    assert ran[-1] == 21
    assert result.backend == "default"


def test_default_task_backend_is_huey():
    from django.tasks import task_backends

    assert isinstance(task_backends["default"], HueyBackend)


@pytest.mark.django_db
def test_a_job_enqueued_after_commit_waits_for_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_after_commit("tests.core.test_jobs.remember", 7)
        assert ran[-1:] != [7]
    assert len(callbacks) == 1 and ran[-1] == 7


@pytest.mark.parametrize("path", [OWED_SYNC_JOB, REDERIVE_JOB, DELIVERY_JOB, EMAIL_JOB])
def test_every_job_named_by_path_is_a_task(path):
    assert isinstance(import_string(path), Task)
