from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    GENERAL = "general", _("一般通知")
    ENGAGEMENT_OVERDUE = "engagement_overdue", _("高层维护逾期")
    PERSONNEL_CHANGE = "personnel_change", _("关键人变动")
    APPROVAL_PENDING = "approval_pending", _("待我审批")
    APPROVAL_DECIDED = "approval_decided", _("审批结果")
