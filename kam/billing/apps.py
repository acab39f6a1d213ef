from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "kam.billing"
    label = "billing"
    verbose_name = _("发票与回款")
