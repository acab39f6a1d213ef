from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntentsConfig(AppConfig):
    name = "kam.intents"
    verbose_name = _("意向等级")

    def ready(self) -> None:
        from kam.intents.timeline import intent_change_source
        from kam.interactions.selectors import timeline_register_source
        from kam.opportunities.panels import Panel, panel_register

        timeline_register_source(intent_change_source)
        panel_register(Panel("intent", _("意向等级"), "intents:opportunity_panel", order=15))
