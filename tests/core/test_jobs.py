from django.tasks import task

from kam.core.jobs import HueyBackend

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
