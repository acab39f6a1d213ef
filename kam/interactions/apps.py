from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractionsConfig(AppConfig):
    name = "kam.interactions"
    verbose_name = _("拜访与跟进")
