"""Invoices, receipts and their allocation to milestones (SPEC R-COL-3). Money is Decimal to
the fen; every amount that can be derived (outstanding, credit, aging) is derived, never stored.

Reversing a receipt keeps its allocation rows and stamps them `reversed_at`: the history of what
was once allocated stays queryable, and every sum counts only rows with `reversed_at IS NULL`.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Round
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from kam.billing.enums import (
    TAX_RATE_CHOICES,
    BillingEventKind,
    InvoiceKind,
    InvoiceStatus,
    ReceiptMethod,
    ReceiptStatus,
)


class Invoice(models.Model):
    milestone = models.ForeignKey(
        "contracts.PaymentMilestone", verbose_name=_("回款节点"), on_delete=models.PROTECT,
        related_name="invoices",
    )  # fmt: skip
    # Denormalised from the milestone so invoice lists filter and join by contract directly.
    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("合同"), on_delete=models.PROTECT,
        related_name="invoices",
    )  # fmt: skip
    kind = models.CharField(_("发票类型"), max_length=16, choices=InvoiceKind.choices)
    number = models.CharField(_("发票号码"), max_length=32, unique=True)
    tax_rate = models.DecimalField(
        _("税率（%）"), max_digits=5, decimal_places=2, choices=TAX_RATE_CHOICES
    )
    amount_with_tax = models.DecimalField(_("价税合计（元）"), max_digits=16, decimal_places=2)
    amount_without_tax = models.DecimalField(_("不含税金额（元）"), max_digits=16, decimal_places=2)
    tax = models.DecimalField(_("税额（元）"), max_digits=16, decimal_places=2)
    issued_on = models.DateField(_("开票日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED
    )
    void_reason = models.CharField(_("作废原因"), max_length=500, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", editable=False,
    )  # fmt: skip
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("发票")
        verbose_name_plural = _("发票")
        ordering = ["-issued_on", "-pk"]
        indexes = [
            models.Index(fields=["milestone", "status"], name="invoice_milestone_status"),
            models.Index(fields=["contract", "status"], name="invoice_contract_status"),
            models.Index(fields=["-issued_on", "-id"], name="invoice_issued"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_with_tax__gt=0), name="invoice_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(amount_without_tax__gte=0, tax__gte=0), name="invoice_parts_nonneg"
            ),
            # Compared in fen: SQLite keeps decimals as binary floats, where 0.05 + 0.01 is not
            # 0.06, so an exact equality on the yuan values would refuse correct invoices.
            models.CheckConstraint(
                condition=Exact(
                    Round((F("amount_with_tax") - F("amount_without_tax") - F("tax")) * 100),
                    Value(0),
                ),
                name="invoice_parts_sum",
            ),
            models.CheckConstraint(
                condition=Q(status=InvoiceStatus.ISSUED) | ~Q(void_reason=""),
                name="invoice_void_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Receipt(models.Model):
    account = models.ForeignKey(
        "accounts.Account", verbose_name=_("客户"), on_delete=models.PROTECT,
        related_name="receipts",
    )  # fmt: skip
    # Money can arrive before anyone knows which contract it pays.
    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("合同"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="receipts",
    )  # fmt: skip
    amount = models.DecimalField(_("回款金额（元）"), max_digits=16, decimal_places=2)
    received_on = models.DateField(_("到账日期"))
    method = models.CharField(_("回款方式"), max_length=16, choices=ReceiptMethod.choices)
    payer_name = models.CharField(_("付款方"), max_length=200, blank=True)
    reference = models.CharField(_("流水号/票据号"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ReceiptStatus.choices, default=ReceiptStatus.RECORDED
    )
    reversal_reason = models.CharField(_("冲销原因"), max_length=500, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", editable=False,
    )  # fmt: skip
    reversed_at = models.DateTimeField(_("冲销时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("回款")
        verbose_name_plural = _("回款")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["account", "status"], name="receipt_account_status"),
            # covers the dashboard's receipts per day (no row read per receipt)
            models.Index(
                fields=["received_on", "status", "account", "contract", "amount"],
                name="receipt_day_money",
            ),
            models.Index(fields=["contract", "status"], name="receipt_contract_status"),
            models.Index(fields=["-received_on", "-id"], name="receipt_received"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_positive"),
            models.CheckConstraint(
                condition=Q(status=ReceiptStatus.RECORDED) | ~Q(reversal_reason=""),
                name="receipt_reversal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount}"


class Allocation(models.Model):
    receipt = models.ForeignKey(
        Receipt, verbose_name=_("回款"), on_delete=models.PROTECT, related_name="allocations"
    )
    milestone = models.ForeignKey(
        "contracts.PaymentMilestone", verbose_name=_("回款节点"), on_delete=models.PROTECT,
        related_name="allocations",
    )  # fmt: skip
    amount = models.DecimalField(_("核销金额（元）"), max_digits=16, decimal_places=2)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    allocated_at = models.DateTimeField(_("核销时间"), auto_now_add=True)
    # Set when the receipt is reversed; the row stays as history and stops counting.
    reversed_at = models.DateTimeField(_("冲销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("回款核销")
        verbose_name_plural = _("回款核销")
        ordering = ["allocated_at", "pk"]
        indexes = [
            models.Index(fields=["milestone", "reversed_at"], name="allocation_milestone"),
            models.Index(fields=["receipt", "reversed_at"], name="allocation_receipt"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.milestone_id}: {self.amount}"


class BillingEvent(models.Model):
    """Who did what to an invoice or a receipt, and when (from → to status, amount, reason)."""

    kind = models.CharField(_("事件"), max_length=24, choices=BillingEventKind.choices)
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    receipt = models.ForeignKey(
        Receipt, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    amount = models.DecimalField(
        _("金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("开票回款记录")
        verbose_name_plural = _("开票回款记录")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(invoice__isnull=False) | Q(receipt__isnull=False),
                name="billing_event_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())
