"""The morning collection alerts (SPEC R-COL-7), and keeping the owed milestones' checklists
in step with the templates; the work is in alerts and sync."""

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kam.checklists.alerts import collection_alerts_send
from kam.checklists.sync import checklists_sync_owed


# 01:00 UTC is 09:00 in Beijing; collection_alerts_send skips non-working days itself.
@db_periodic_task(crontab(hour="1", minute="0"))
def collection_alerts_job() -> int:
    return collection_alerts_send()


@task
def checklists_owed_sync_job() -> int:
    """After a template was created or changed."""
    return checklists_sync_owed()


# 18:45 UTC is 02:45 in Beijing: catches a template change whose job was lost.
@db_periodic_task(crontab(hour="18", minute="45"))
def checklists_nightly_sync() -> int:
    return checklists_sync_owed()
