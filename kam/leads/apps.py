from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "kam.leads"
    verbose_name = _("线索")

    def ready(self) -> None:
        from kam.interactions.selectors import timeline_register_source
        from kam.leads.services.override import override_type_register
        from kam.leads.timeline import (
            lead_converted_source,
            lead_created_source,
            lead_follow_up_source,
        )

        override_type_register()
        timeline_register_source(lead_created_source)
        timeline_register_source(lead_converted_source)
        timeline_register_source(lead_follow_up_source)
