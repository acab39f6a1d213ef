from django.db import models
from django.utils.translation import gettext_lazy as _


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING_DISCOUNT_APPROVAL = "pending_discount_approval", _("折扣审批中")
    APPROVED = "approved", _("可发送")
    SENT = "sent", _("已发送客户")
    ACCEPTED = "accepted", _("客户已接受")
    REJECTED = "rejected", _("客户已拒绝")
    SUPERSEDED = "superseded", _("已被新版本取代")


# A delivery manager reviews a version before it goes to the customer, never after.
REVIEWABLE_STATUSES = (
    QuoteStatus.DRAFT,
    QuoteStatus.PENDING_DISCOUNT_APPROVAL,
    QuoteStatus.APPROVED,
)
