"""A django.tasks backend that hands tasks to huey.

Code enqueues with Django's API (`my_task.enqueue(...)`); huey stores the job (SQLite by default,
Redis in production) and its consumer (`manage.py run_huey`) runs it. Periodic jobs are declared
with huey's `@db_periodic_task` in each app's `tasks.py`.
"""

from typing import Any

from django.db import transaction
from django.tasks import Task, TaskResult, TaskResultStatus
from django.tasks.backends.base import BaseTaskBackend
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from huey.contrib.djhuey import db_task


def enqueue_after_commit(task_path: str, *args: Any) -> None:
    """Enqueue the task at `task_path` once the current transaction commits, so the job never
    reads rows that are not there yet. Named by its path because an app's tasks module imports
    its services, which cannot import it back."""
    transaction.on_commit(lambda: import_string(task_path).enqueue(*args))


@db_task()
def run_django_task(module_path: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    task: Task = import_string(module_path)
    return task.call(*args, **kwargs)


class HueyBackend(BaseTaskBackend):
    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        self.validate_task(task)
        run_django_task(task.module_path, list(args), dict(kwargs))
        return TaskResult(
            task=task,
            id=get_random_string(32),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=list(args),
            kwargs=dict(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
