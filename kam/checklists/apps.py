from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecklistsConfig(AppConfig):
    name = "kam.checklists"
    label = "checklists"
    verbose_name = _("回款清单")
