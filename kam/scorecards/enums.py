from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    WEEK = "week", _("本周")
    MONTH = "month", _("本月")
    QUARTER = "quarter", _("本季度")
    CUSTOM = "custom", _("自定义")


class Capability(models.TextChoices):
    """The four capabilities of an account manager (SPEC R-REV-5)."""

    RELATIONSHIP = "relationship", _("客户关系")
    SOLUTION = "solution", _("解决方案")
    DELIVERY_SERVICE = "delivery_service", _("交付与服务")
    RESOURCE_COORDINATION = "resource_coordination", _("资源协调")
