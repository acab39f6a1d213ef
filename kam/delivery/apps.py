from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "kam.delivery"
    label = "delivery"
    verbose_name = _("交付决策链")

    def ready(self) -> None:
        from kam.delivery.timeline import signoff_source
        from kam.interactions.selectors import timeline_register_source

        timeline_register_source(signoff_source)
