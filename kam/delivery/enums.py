from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.contacts.enums import Attitude, DecisionRole


class DeliveryRole(models.TextChoices):
    """Who takes part in the decision to pay (SPEC R-COL-6): more people than at the sale."""

    SIGNATORY = "signatory", _("决策签字人")
    PROCUREMENT = "procurement", _("采购")
    USER_DEPARTMENT = "user_department", _("使用部门")
    TECHNICAL = "technical", _("技术把关")
    FINANCE = "finance", _("财务")
    SUPPLY_CHAIN = "supply_chain", _("供应链")
    QUALITY = "quality", _("质量")
    SUPERVISOR = "supervisor", _("监理")
    THIRD_PARTY = "third_party", _("第三方")
    OTHER = "other", _("其他")


class Stance(models.TextChoices):
    """The contacts' attitude (same values, so the same badges) plus "not known yet": at
    delivery many of these people have never been asked."""

    SUPPORTER = Attitude.SUPPORTER.value, Attitude.SUPPORTER.label
    NEUTRAL = Attitude.NEUTRAL.value, Attitude.NEUTRAL.label
    OPPONENT = Attitude.OPPONENT.value, Attitude.OPPONENT.label
    UNKNOWN = "unknown", _("未知")


class SignOffStatus(models.TextChoices):
    PENDING = "pending", _("待签核")
    SIGNED = "signed", _("已签核")
    REFUSED = "refused", _("拒绝签核")


# The roles a payment usually cannot pass without (R-COL-6); the chain warns while one is missing.
REQUIRED_ROLES: tuple[DeliveryRole, ...] = (
    DeliveryRole.FINANCE,
    DeliveryRole.SUPPLY_CHAIN,
    DeliveryRole.QUALITY,
    DeliveryRole.USER_DEPARTMENT,
    DeliveryRole.SIGNATORY,
)

# The account-level decision role a person already has, read as their likely delivery role.
ROLE_FROM_DECISION_ROLE: dict[str, DeliveryRole] = {
    DecisionRole.DECISION_MAKER: DeliveryRole.SIGNATORY,
    DecisionRole.USER: DeliveryRole.USER_DEPARTMENT,
    DecisionRole.TECHNICAL: DeliveryRole.TECHNICAL,
    DecisionRole.PROCUREMENT: DeliveryRole.PROCUREMENT,
    DecisionRole.FINANCE: DeliveryRole.FINANCE,
    DecisionRole.SUPPLY_CHAIN: DeliveryRole.SUPPLY_CHAIN,
    DecisionRole.QUALITY: DeliveryRole.QUALITY,
    DecisionRole.SUPERVISOR: DeliveryRole.SUPERVISOR,
}

# Words in a job title that point at a delivery role, for people whose decision role is unset.
TITLE_WORDS: dict[DeliveryRole, tuple[str, ...]] = {
    DeliveryRole.FINANCE: ("财务", "会计", "出纳", "资金", "CFO"),
    DeliveryRole.SUPPLY_CHAIN: ("供应链", "物资", "物流", "仓储", "仓库"),
    DeliveryRole.QUALITY: ("质量", "质检", "品控", "品质", "QA"),
    DeliveryRole.USER_DEPARTMENT: ("车间", "使用", "运维", "生产", "运行"),
    DeliveryRole.SIGNATORY: ("总经理", "总裁", "董事", "厂长", "院长", "分管"),
}
