from django.db import models
from django.utils.translation import gettext_lazy as _


class CoachingKind(models.TextChoices):
    ACCOMPANIED_VISIT = "accompanied_visit", _("陪访")
    RECORDING_ANALYSIS = "recording_analysis", _("录音分析")
