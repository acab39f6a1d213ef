from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "kam.billing"
    label = "billing"
    verbose_name = _("发票与回款")

    def ready(self) -> None:
        from kam.billing.timeline import billing_event_source
        from kam.interactions.selectors import timeline_register_source

        timeline_register_source(billing_event_source)
