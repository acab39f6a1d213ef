from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("节假日")
    MAKEUP_WORKDAY = "makeup_workday", _("调休上班")
