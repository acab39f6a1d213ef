"""The morning collection alerts (SPEC R-COL-7); the work and its deduplication are in alerts."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kam.checklists.alerts import collection_alerts_send


# 01:00 UTC is 09:00 in Beijing; collection_alerts_send skips non-working days itself.
@db_periodic_task(crontab(hour="1", minute="0"))
def collection_alerts_job() -> int:
    return collection_alerts_send()
