from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kam.accounts"
    verbose_name = _("客户")

    def ready(self) -> None:
        from kam.accounts.approvals import register

        register()
