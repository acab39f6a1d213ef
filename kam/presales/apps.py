from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PresalesConfig(AppConfig):
    name = "kam.presales"
    verbose_name = _("售前资源")

    def ready(self) -> None:
        from kam.opportunities.panels import Panel, panel_register
        from kam.presales.approvals import register_approval_types

        register_approval_types()
        panel_register(
            Panel(key="presales", label=_("售前资源"), url_name="presales:panel", order=40)
        )
