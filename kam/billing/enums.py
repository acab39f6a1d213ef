from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceKind(models.TextChoices):
    SPECIAL = "special", _("增值税专用发票")
    NORMAL = "normal", _("增值税普通发票")


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", _("已开具")
    VOIDED = "voided", _("已作废")


# The VAT rates in force for what we sell (goods 13%, services 6%, small-scale 3%/1%, exempt 0%).
TAX_RATES: tuple[Decimal, ...] = tuple(Decimal(r) for r in ("13", "9", "6", "3", "1", "0"))
TAX_RATE_CHOICES = [(rate, f"{rate}%") for rate in TAX_RATES]


class ReceiptMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("银行转账")
    ACCEPTANCE_BILL = "acceptance_bill", _("承兑汇票")
    OTHER = "other", _("其他")


class ReceiptStatus(models.TextChoices):
    RECORDED = "recorded", _("已登记")
    REVERSED = "reversed", _("已冲销")


class BillingEventKind(models.TextChoices):
    INVOICE_ISSUED = "invoice_issued", _("开具发票")
    INVOICE_VOIDED = "invoice_voided", _("作废发票")
    RECEIPT_RECORDED = "receipt_recorded", _("登记回款")
    RECEIPT_ALLOCATED = "receipt_allocated", _("核销回款")
    RECEIPT_REVERSED = "receipt_reversed", _("冲销回款")


class AgingBucket(models.TextChoices):
    D0_30 = "d0_30", _("0–30 天")
    D31_90 = "d31_90", _("31–90 天")
    D91_180 = "d91_180", _("91–180 天")
    D180_PLUS = "d180_plus", _("180 天以上")
