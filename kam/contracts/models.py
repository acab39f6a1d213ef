"""Contracts (R-COL-1) and their payment milestones (R-COL-2). Money is Decimal to the fen."""

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import Combinable
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _

from kam.contracts.enums import BILLABLE_STATUSES, ContractStatus, MilestoneKind, MilestoneTrigger
from kam.core.aggregates import fen
from kam.core.links import keyed_url


class Contract(models.Model):
    account = models.ForeignKey(
        "accounts.Account", verbose_name=_("客户"), on_delete=models.PROTECT,
        related_name="contracts",
    )  # fmt: skip
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", verbose_name=_("来源商机"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="contracts",
    )  # fmt: skip
    # NULL until the pk exists; unique "" would clash.
    number = models.CharField(_("合同编号"), max_length=32, unique=True, null=True, blank=True)
    name = models.CharField(_("合同名称"), max_length=200)
    amount = models.DecimalField(_("合同金额（元）"), max_digits=16, decimal_places=2)
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    terms = models.TextField(_("主要条款"), blank=True)
    warranty_months = models.PositiveSmallIntegerField(
        _("质保期（月）"), default=12, validators=[MaxValueValidator(120)]
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("负责人"), on_delete=models.PROTECT,
        related_name="contracts",
    )  # fmt: skip
    status = models.CharField(
        _("状态"), max_length=16, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    delivered_on = models.DateField(_("到货日期"), null=True, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("合同")
        verbose_name_plural = _("合同")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "status"], name="contract_owner_status"),
            models.Index(fields=["account", "-updated_at"], name="contract_account_updated"),
            models.Index(fields=["status", "-updated_at"], name="contract_status_updated"),
            models.Index(fields=["-updated_at", "-id"], name="contract_updated"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contract_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number or ''} {self.name}".strip()

    def get_absolute_url(self) -> str:
        return keyed_url("contracts:detail", self.pk)


def milestone_outstanding_fen() -> Combinable:
    """What a milestone still owes, in fen, from its kept allocated money."""
    return fen("amount") - F("allocated_fen")


class PaymentMilestone(models.Model):
    """One instalment of the plan. `due_date` is stored (lists, overdue and aging filter on
    it) and derived from the trigger: a fixed date, or the recorded event plus `due_days`."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("款项"), max_length=16, choices=MilestoneKind.choices)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    percent = models.DecimalField(
        _("比例（%）"), max_digits=7, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    amount = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2)
    trigger = models.CharField(_("触发条件"), max_length=16, choices=MilestoneTrigger.choices)
    fixed_date = models.DateField(_("指定日期"), null=True, blank=True)
    due_days = models.PositiveSmallIntegerField(
        _("触发后天数"), default=0, validators=[MaxValueValidator(3650)]
    )
    due_date = models.DateField(_("到期日"), null=True, blank=True)
    # Issued invoices and active allocations, in fen. Kept by the billing services under the
    # milestone's row lock (kam.billing.services.common.milestone_money_sync) so that aging,
    # the battle map and the dashboard read two columns instead of summing 200k milestones'
    # invoices and allocations per request.
    invoiced_fen = models.BigIntegerField(default=0, editable=False)
    allocated_fen = models.BigIntegerField(default=0, editable=False)
    # Copies of the contract's account and of "the contract is signed" (status in
    # BILLABLE_STATUSES), kept by `milestones_contract_sync` whenever a contract's status
    # changes and by account merging (which moves every key to the account), so the dashboard
    # and aging scan one covering index instead of joining each milestone to its contract.
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, related_name="+", editable=False
    )
    billable = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("回款节点")
        verbose_name_plural = _("回款节点")
        ordering = ["contract", "position"]
        indexes = [
            models.Index(fields=["due_date"], name="milestone_due_date"),
            # Lists of what is still owed, earliest due first (the checklist gaps): about a
            # third of the milestones due by now are. The condition is the lists' filter as
            # the ORM writes it, which PostgreSQL must match to use the index.
            models.Index(
                fields=["due_date"],
                condition=Q(GreaterThan(milestone_outstanding_fen(), 0)),
                name="milestone_owed_due",
            ),
            models.Index(
                fields=["account", "billable", "due_date", "amount", "allocated_fen"],
                name="milestone_account_money",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["contract", "position"], name="milestone_position"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="milestone_amount_positive"),
            models.CheckConstraint(
                condition=Q(invoiced_fen__gte=0, allocated_fen__gte=0),
                name="milestone_money_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.get_kind_display())

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            self.copy_contract()
        super().save(*args, **kwargs)

    def copy_contract(self) -> None:
        """Take the copies from the contract (creation; bulk writes call this themselves)."""
        self.account_id = self.contract.account_id
        self.billable = self.contract.status in BILLABLE_STATUSES


class ContractAttachment(models.Model):
    """A signed scan, an annex… Stored under a random name outside any public URL; served only
    through the download view, which checks the contract's visibility."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="contracts/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小"))
    content_type = models.CharField(max_length=100)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("合同附件")
        verbose_name_plural = _("合同附件")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name
