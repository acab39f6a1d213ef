from django.db import models
from django.utils.translation import gettext_lazy as _


class CellState(models.TextChoices):
    """How a milestone stands on the map; each state has its colour."""

    PAID = "paid", _("已结清")
    OVERDUE = "overdue", _("已逾期")
    DUE_SOON = "due_soon", _("即将到期")
    UPCOMING = "upcoming", _("未到期")
    WAITING = "waiting", _("待触发")


class StateFilter(models.TextChoices):
    OPEN = "open", _("未结清")
    OVERDUE = "overdue", _("有逾期")
    DUE_SOON = "due_soon", _("30 天内到期")


class MapSort(models.TextChoices):
    ACCOUNT = "account", _("客户")
    SIGNED = "signed", _("签订日期（新→旧）")
    AMOUNT = "amount", _("合同金额（大→小）")
