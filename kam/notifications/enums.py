from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    GENERAL = "general", _("一般通知")
    ENGAGEMENT_OVERDUE = "engagement_overdue", _("高层维护逾期")
    PERSONNEL_CHANGE = "personnel_change", _("关键人变动")
    APPROVAL_PENDING = "approval_pending", _("待我审批")
    APPROVAL_DECIDED = "approval_decided", _("审批结果")
    INTENT_TEAM_QUIET = "intent_team_quiet", _("团队无新增 A 类")
    INTENT_A_STALE = "intent_a_stale", _("A 类商机停滞")
    INTENT_DOWNGRADE = "intent_downgrade", _("意向等级下调")
    POOL = "pool", _("公海客户")
    TASK_REMINDER = "task_reminder", _("任务提醒")
    REVIEW = "review", _("理单与辅导")
    HANDOVER = "handover", _("工作交接")
    COLLECTION = "collection", _("回款提醒")
