"""Approvals (R-APR-1): one engine for every approval type.

An approval's chain is resolved into `ApprovalStep` rows when it is submitted (and again for each
resubmission round), so later changes to the configured chain or to the reporting lines never
rewrite who was asked. Steps are never deleted: they are the decision history.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kam.approvals.enums import ApprovalStatus, ApproverRule, StepStatus
from kam.core.links import keyed_url
from kam.users.enums import Role


class ApprovalChainStep(models.Model):
    """An admin-configured chain row; a type without rows uses its registered default chain."""

    type_code = models.CharField(_("审批类型"), max_length=64, db_index=True)
    position = models.PositiveIntegerField(_("顺序"))
    rule = models.CharField(_("审批人规则"), max_length=16, choices=ApproverRule.choices)
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("指定审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    min_amount = models.DecimalField(
        _("金额不低于"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("审批链配置")
        verbose_name_plural = _("审批链配置")
        ordering = ["type_code", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["type_code", "position"], name="approval_chain_step_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type_code} #{self.position}"


class Approval(models.Model):
    type_code = models.CharField(_("审批类型"), max_length=64, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="approvals_requested",
    )
    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("客户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="approvals",
    )
    # The deal an approval belongs to: stage gates ask whether it has an approved one.
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("商机"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="approvals",
    )
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    amount = models.DecimalField(
        _("金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    # The proposed change, JSON-safe (Decimals as strings).
    payload = models.JSONField(_("申请内容"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    current_position = models.PositiveIntegerField(_("当前步骤"), default=1)
    round = models.PositiveIntegerField(_("轮次"), default=1)
    submitted_at = models.DateTimeField(_("提交时间"))
    decided_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("审批")
        verbose_name_plural = _("审批")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "type_code"], name="approval_status_type"),
            models.Index(
                fields=["opportunity", "type_code", "status"], name="approval_opportunity"
            ),
            models.Index(fields=["requester", "-submitted_at"], name="approval_requester"),
            models.Index(fields=["account", "-submitted_at"], name="approval_account"),
            models.Index(fields=["subject_type", "subject_id"], name="approval_subject"),
        ]
        constraints = [
            # At most one pending approval of a type per subject (or per deal without one).
            models.UniqueConstraint(
                fields=["type_code", "subject_type", "subject_id"],
                condition=Q(status=ApprovalStatus.PENDING, subject_id__isnull=False),
                name="approval_one_pending_per_subject",
            ),
            models.UniqueConstraint(
                fields=["type_code", "opportunity"],
                condition=Q(
                    status=ApprovalStatus.PENDING,
                    subject_id__isnull=True,
                    opportunity__isnull=False,
                ),
                name="approval_one_pending_per_opportunity",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return keyed_url("approvals:detail", self.pk)

    @property
    def type_label(self) -> str:
        from kam.approvals.registry import approval_type_label

        return approval_type_label(self.type_code)


class ApprovalStep(models.Model):
    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveIntegerField(_("轮次"))
    position = models.PositiveIntegerField(_("顺序"))
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        related_name="approval_steps",
    )
    # What put this person on the chain, as it read at submission ("销售总监").
    rule_label = models.CharField(_("审批规则"), max_length=100)
    status = models.CharField(
        _("状态"), max_length=16, choices=StepStatus.choices, default=StepStatus.WAITING
    )
    comment = models.TextField(_("审批意见"), blank=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("审批步骤")
        verbose_name_plural = _("审批步骤")
        ordering = ["approval", "round", "position"]
        indexes = [
            models.Index(fields=["approver", "status"], name="approval_step_approver"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["approval", "round", "position"], name="approval_step_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.approval_id} r{self.round} #{self.position}"
