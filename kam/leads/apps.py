from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "kam.leads"
    verbose_name = _("线索")

    def ready(self) -> None:
        from kam.leads.services.override import override_type_register

        override_type_register()
