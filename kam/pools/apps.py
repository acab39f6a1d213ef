from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoolsConfig(AppConfig):
    name = "kam.pools"
    verbose_name = _("公海")

    def ready(self) -> None:
        from kam.accounts.rules import account_grant_register
        from kam.interactions.selectors import timeline_register_source
        from kam.pools.rules import lapsed_account_ids
        from kam.pools.timeline import pool_event_source

        account_grant_register("pool_lapsed", lapsed_account_ids)
        timeline_register_source(pool_event_source)
