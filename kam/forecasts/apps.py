from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForecastsConfig(AppConfig):
    # huey's Django integration autodiscovers tasks.py, which holds the Monday snapshot.
    name = "kam.forecasts"
    verbose_name = _("销售预测")
