from django.db import models
from django.utils.translation import gettext_lazy as _


class ApproverRule(models.TextChoices):
    ROLE = "role", _("按角色")
    REQUESTER_MANAGER = "manager", _("发起人的直属上级")
    NAMED_USER = "user", _("指定审批人")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("审批中")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已驳回")
    RETURNED = "returned", _("已退回修改")
    WITHDRAWN = "withdrawn", _("已撤回")


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("待流转")
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("同意")
    REJECTED = "rejected", _("驳回")
    RETURNED = "returned", _("退回")
    SKIPPED = "skipped", _("已跳过")


# Step states in which the approver has seen the approval (it reached them): these, not
# "waiting" or "skipped", let an approver read the approval and its account (SPEC §1).
REACHED_STEP_STATUSES = (
    StepStatus.PENDING,
    StepStatus.APPROVED,
    StepStatus.REJECTED,
    StepStatus.RETURNED,
)
DECIDED_STEP_STATUSES = (StepStatus.APPROVED, StepStatus.REJECTED, StepStatus.RETURNED)
