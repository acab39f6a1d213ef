from django.db import models
from django.utils.translation import gettext_lazy as _


class LeadSource(models.TextChoices):
    VISIT = "visit", _("拜访")
    REFERRAL = "referral", _("转介绍")
    EVENT = "event", _("会议活动")
    INBOUND = "inbound", _("主动咨询")
    PARTNER = "partner", _("合作伙伴")
    TENDER_NOTICE = "tender_notice", _("招标公告")
    OTHER = "other", _("其他")


class BantStatus(models.TextChoices):
    UNKNOWN = "unknown", _("未知")
    UNCLEAR = "unclear", _("不明确")
    CONFIRMED = "confirmed", _("已确认")
    NOT_MET = "not_met", _("不满足")


class LeadStatus(models.TextChoices):
    NEW = "new", _("新线索")
    WORKING = "working", _("跟进中")
    CONVERTED = "converted", _("已转化")
    DISQUALIFIED = "disqualified", _("已关闭")


class FollowUpKind(models.TextChoices):
    VISIT = "visit", _("拜访")
    CALL = "call", _("电话")
    MEETING = "meeting", _("会议")
    MESSAGE = "message", _("消息")
    OTHER = "other", _("其他")
