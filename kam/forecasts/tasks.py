"""The Monday forecast snapshot, scheduled like the other periodic jobs (huey crontab, UTC)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kam.forecasts.services import forecast_snapshot_take


# 02:00 UTC is 10:00 in Beijing: Monday in the company's zone, after the weekend's updates.
@db_periodic_task(crontab(day_of_week="1", hour="2", minute="0"))
def forecast_weekly_snapshot() -> int:
    return forecast_snapshot_take().row_count
