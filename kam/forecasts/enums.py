from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.opportunities.enums import ForecastCategory


class ForecastGroup(models.TextChoices):
    REP = "rep", _("按销售")
    TEAM = "team", _("按团队")


# The categories a forecast reports, in the order columns show them. Open deals fall in the first
# three by their own forecast_category; "closed" is what was won in the period.
OPEN_CATEGORIES = (ForecastCategory.PIPELINE, ForecastCategory.BEST_CASE, ForecastCategory.COMMIT)
REPORTED_CATEGORIES = (*OPEN_CATEGORIES, ForecastCategory.CLOSED)
