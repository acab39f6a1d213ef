from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardsConfig(AppConfig):
    name = "kam.scorecards"
    verbose_name = _("能力看板")
