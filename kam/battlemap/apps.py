from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BattleMapConfig(AppConfig):
    name = "kam.battlemap"
    label = "battlemap"
    verbose_name = _("作战地图")
