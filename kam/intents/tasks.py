"""Nightly intent-class alerts (SPEC R-INT-2); the work and its deduplication are in services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kam.intents.services import intent_a_stale_notify, intent_team_quiet_notify


# 01:30 UTC is 09:30 in Beijing: the morning of the working day being checked.
@db_periodic_task(crontab(hour="1", minute="30"))
def intent_team_quiet_sweep() -> int:
    return intent_team_quiet_notify()


@db_periodic_task(crontab(hour="1", minute="40"))
def intent_a_stale_sweep() -> int:
    return intent_a_stale_notify()
