from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractionsConfig(AppConfig):
    name = "kam.interactions"
    verbose_name = _("拜访与跟进")

    def ready(self) -> None:
        from kam.interactions.selectors import timeline_register_source
        from kam.interactions.timeline import SOURCES

        for source in SOURCES:
            timeline_register_source(source)
