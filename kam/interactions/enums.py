from django.db import models
from django.utils.translation import gettext_lazy as _


class InteractionKind(models.TextChoices):
    VISIT = "visit", _("拜访")
    CALL = "call", _("电话")
    MEETING = "meeting", _("会议")
    DEMO = "demo", _("演示")
    SITE_VISIT = "site_visit", _("考察")
    RECEPTION = "reception", _("接待")
    TRIAL = "trial", _("试用/POC")
