from django.db import models
from django.utils.translation import gettext_lazy as _


class RecallTrigger(models.TextChoices):
    """What ends an owner's protection of a prospect account (R-POOL-1)."""

    NO_FOLLOW_UP = "no_follow_up", _("未跟进")
    NO_OPPORTUNITY = "no_opportunity", _("未建商机")
    NOT_SIGNED = "not_signed", _("未成交")


class PoolEventKind(models.TextChoices):
    CLAIM = "claim", _("领取")
    RELEASE = "release", _("主动释放")
    RECALL = "recall", _("到期回收")
    ASSIGN = "assign", _("分配")
    MOVE = "move", _("调整公海")
