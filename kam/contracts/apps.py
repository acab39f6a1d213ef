from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "kam.contracts"
    verbose_name = _("合同与回款")

    def ready(self) -> None:
        from kam.contracts.approvals import register
        from kam.contracts.timeline import contract_event_source
        from kam.interactions.selectors import timeline_register_source

        register()
        timeline_register_source(contract_event_source)
