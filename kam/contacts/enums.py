from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("决策者")
    USER = "user", _("使用者")
    TECHNICAL = "technical", _("技术把关者")
    PROCUREMENT = "procurement", _("采购")
    FINANCE = "finance", _("财务")
    SUPPLY_CHAIN = "supply_chain", _("供应链")
    QUALITY = "quality", _("质量")
    SUPERVISOR = "supervisor", _("监督/第三方")


class Influence(models.TextChoices):
    HIGH = "high", _("高")
    MEDIUM = "medium", _("中")
    LOW = "low", _("低")


class Attitude(models.TextChoices):
    SUPPORTER = "supporter", _("支持")
    NEUTRAL = "neutral", _("中立")
    OPPONENT = "opponent", _("反对")


class GuideLevel(models.IntegerChoices):
    NONE = 0, _("非向导")
    INTELLIGENCE = 1, _("1 级：提供情报")
    ADVICE = 2, _("2 级：出谋划策")
    INTERVENE = 3, _("3 级：能干预决策")


class ContactStatus(models.TextChoices):
    IN_POST = "in_post", _("在职")
    CHANGED_POST = "changed_post", _("已调岗")
    LEFT = "left", _("已离职")


class GuideCostKind(models.TextChoices):
    TIME = "time", _("时间")
    MONEY = "money", _("费用")
