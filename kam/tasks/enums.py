from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskSource(models.TextChoices):
    MANUAL = "manual", _("手工任务")
    NEXT_STEP = "next_step", _("拜访下一步")
    ACTION_ITEM = "action_item", _("行动计划")
    APPROVAL = "approval", _("待我审批")
    FOLLOW_UP = "follow_up", _("线索跟进")
    ENGAGEMENT = "engagement", _("高层维护")
    COLLECTION = "collection", _("回款清单")


class TaskStatus(models.TextChoices):
    """List filters, not a stored field: a task is open or done, and open ones may be overdue."""

    OPEN = "open", _("未完成")
    OVERDUE = "overdue", _("已逾期")
    DONE = "done", _("已完成")


class TaskScope(models.TextChoices):
    MINE = "mine", _("我的任务")
    TEAM = "team", _("我团队的任务")


class WebhookPlatform(models.TextChoices):
    WECOM = "wecom", _("企业微信")
    DINGTALK = "dingtalk", _("钉钉")
    FEISHU = "feishu", _("飞书")


class WebhookEvent(models.TextChoices):
    REMINDER = "reminder", _("任务提醒")
    DIGEST = "digest", _("每日摘要")
    TEST = "test", _("测试消息")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
