"""Pool jobs: warnings before recall, the recall itself, and re-deriving deadlines."""

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kam.pools.models import Pool
from kam.pools.services.protection import placements_rederive
from kam.pools.services.sweeps import pool_recall_lapsed, pool_warn_expiring


@db_periodic_task(crontab(minute="*/15"))
def pool_recall_sweep() -> int:
    return pool_recall_lapsed()


# 01:00 UTC is 09:00 in Beijing: the warning arrives at the start of the working day.
@db_periodic_task(crontab(hour="1", minute="0"))
def pool_warning_sweep() -> int:
    return pool_warn_expiring()


# A safety net: deadlines are kept current by the services; this catches accounts created by
# bulk loads and anything a crash interrupted.
@db_periodic_task(crontab(hour="18", minute="30"))
def pool_nightly_rederive() -> int:
    return placements_rederive()


@task
def pool_placements_rederive(pool_id: int) -> int:
    pool = Pool.objects.filter(pk=pool_id).first()
    return placements_rederive(pool=pool) if pool is not None else 0
