from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoversConfig(AppConfig):
    name = "kam.handovers"
    verbose_name = _("离职交接")
