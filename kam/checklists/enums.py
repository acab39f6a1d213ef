from django.db import models
from django.utils.translation import gettext_lazy as _


class ChecklistCategory(models.TextChoices):
    """情理法 (SPEC R-COL-5): the relationship kept up after signing, the contract fulfilled and
    proven, and the evidence chain kept for collection and any dispute."""

    RELATIONSHIP = "qing", _("情")
    FULFILMENT = "li", _("理")
    EVIDENCE = "fa", _("法")


class ChecklistAction(models.TextChoices):
    TICK = "tick", _("勾选完成")
    UNTICK = "untick", _("取消勾选")
    EVIDENCE_ADD = "evidence_add", _("上传证据")
    EVIDENCE_DELETE = "evidence_delete", _("删除证据")


class GapWindow(models.IntegerChoices):
    WEEK = 7, _("7 天内")
    FORTNIGHT = 14, _("14 天内")
    MONTH = 30, _("30 天内")
