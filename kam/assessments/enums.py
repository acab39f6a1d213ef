from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskLevel(models.TextChoices):
    LOW = "low", _("低风险")
    MEDIUM = "medium", _("中风险")
    HIGH = "high", _("高风险")


class RedFlagCode(models.TextChoices):
    DECISION_MAKER_UNKNOWN = "decision_maker_unknown", _("决策者不明")
    DECISION_MAKER_OPPOSED = "decision_maker_opposed", _("决策者持反对态度")
    NO_GUIDE = "no_guide", _("没有向导")
    NO_GUIDE_LEVEL_2 = "no_guide_level_2", _("投标阶段仍没有 2 级及以上向导")
    PRICE_NOT_ACCEPTED = "price_not_accepted", _("谈判阶段决策者或采购对价格接受度低")
    NO_DELIVERY_REVIEW = "no_delivery_review", _("交付经理尚未评审")
