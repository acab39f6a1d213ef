from django.db import models
from django.utils.translation import gettext_lazy as _


class BidStatus(models.TextChoices):
    PREPARING = "preparing", _("准备中")
    APPROVAL_PENDING = "approval_pending", _("审批中")
    APPROVED = "approved", _("已批准")
    SUBMITTED = "submitted", _("已投标")
    WON = "won", _("中标")
    LOST = "lost", _("未中标")
    ABANDONED = "abandoned", _("放弃投标")


# A bid in one of these is over; a new bid (a re-bid) may then be opened on the deal.
FINISHED_STATUSES = (BidStatus.LOST, BidStatus.ABANDONED)
RESULT_STATUSES = (BidStatus.WON, BidStatus.LOST, BidStatus.ABANDONED)


class DocumentKind(models.TextChoices):
    LICENCE = "licence", _("营业执照")
    QUALIFICATION = "qualification", _("资质证书")
    CASES = "cases", _("案例证明")
    AUTHORISATION = "authorisation", _("授权书")
    OTHER = "other", _("其他")


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("审批中")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class ReviewKind(models.TextChoices):
    TECHNICAL = "technical", _("技术评审")
    COMMERCIAL = "commercial", _("商务评审")


class ReviewConclusion(models.TextChoices):
    PENDING = "", _("评审中")
    PASS = "pass", _("通过")
    REVISE = "revise", _("修改后再审")
    FAIL = "fail", _("不通过")


# Each review kind is decided through its own approval type.
REVIEW_APPROVAL_TYPES = {
    ReviewKind.TECHNICAL: "solution_review",
    ReviewKind.COMMERCIAL: "commercial_review",
}
