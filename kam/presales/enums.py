from django.db import models
from django.utils.translation import gettext_lazy as _


class PresalesKind(models.TextChoices):
    SOLUTION = "solution", _("方案设计")
    POC = "poc", _("售前测试（POC）")
    DEMO = "demo", _("产品演示")
    EXCHANGE = "exchange", _("技术交流")
    BID_SUPPORT = "bid_support", _("投标支持")


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("审批中")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    DISPATCHED = "dispatched", _("已派工")
    CLOSED = "closed", _("已关闭")


class HoursStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待确认")
    APPROVED = "approved", _("已确认")
    REJECTED = "rejected", _("已驳回")
