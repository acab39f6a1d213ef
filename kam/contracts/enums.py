from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_APPROVAL = "in_approval", _("审批中")
    SIGNED = "signed", _("已签订")
    EXECUTING = "executing", _("执行中")
    COMPLETED = "completed", _("已完成")
    TERMINATED = "terminated", _("已终止")


# Money is owed, invoiced and collected only once the contract is signed.
BILLABLE_STATUSES = frozenset(
    {ContractStatus.SIGNED, ContractStatus.EXECUTING, ContractStatus.COMPLETED,
     ContractStatus.TERMINATED}
)  # fmt: skip


class MilestoneKind(models.TextChoices):
    DOWN_PAYMENT = "down_payment", _("首付款")
    DELIVERY = "delivery", _("到货款")
    ACCEPTANCE = "acceptance", _("验收款")
    WARRANTY = "warranty", _("质保尾款")
    OTHER = "other", _("其他")


class MilestoneTrigger(models.TextChoices):
    """When a milestone falls due: on a date, or some days after an event is recorded."""

    DATE = "date", _("指定日期")
    SIGNING = "signing", _("合同签订后")
    DELIVERY = "delivery", _("到货后")
    ACCEPTANCE = "acceptance", _("验收后")
    WARRANTY_END = "warranty_end", _("质保期满")
