"""Quotes (SPEC R-OPP-10): numbered versions of an offer built from the opportunity's lines, and
the delivery manager's review of a version before it is sent (R-OPP-6).

A version's lines are a snapshot: later changes to the opportunity or the catalogue never alter a
quote the customer may already hold. Totals are stored and equal the sums of the lines.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kam.core.links import keyed_url
from kam.quotes.enums import QuoteStatus

ZERO = Decimal("0.00")


class QuoteVersion(models.Model):
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("商机"),
        on_delete=models.CASCADE,
        related_name="quote_versions",
    )
    version_no = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=32, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT
    )
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    payment_terms = models.TextField(_("付款条件"), blank=True)
    delivery_terms = models.TextField(_("交付条件"), blank=True)
    notes = models.TextField(_("备注"), blank=True)
    list_total = models.DecimalField(_("目录价合计"), max_digits=16, decimal_places=2, default=ZERO)
    discount_total = models.DecimalField(
        _("折扣合计"), max_digits=16, decimal_places=2, default=ZERO
    )
    net_total = models.DecimalField(
        _("报价合计（不含税）"), max_digits=16, decimal_places=2, default=ZERO
    )
    tax_total = models.DecimalField(_("税额合计"), max_digits=16, decimal_places=2, default=ZERO)
    gross_total = models.DecimalField(_("价税合计"), max_digits=16, decimal_places=2, default=ZERO)
    max_discount_rate = models.DecimalField(
        _("最大折扣率（%）"), max_digits=5, decimal_places=2, default=ZERO
    )
    # The pending/decided discount approval of this version; a plain id so the quotes schema
    # does not depend on the approval engine's migrations.
    discount_approval_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("报价版本")
        verbose_name_plural = _("报价版本")
        ordering = ["opportunity", "-version_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "version_no"], name="quote_version_no_unique"
            ),
            # "The accepted version fixes the contract": never two of them for one deal.
            models.UniqueConstraint(
                fields=["opportunity"],
                condition=Q(status=QuoteStatus.ACCEPTED),
                name="quote_one_accepted_per_opportunity",
            ),
            models.CheckConstraint(
                condition=Q(list_total__gte=0) & Q(net_total__gte=0) & Q(tax_total__gte=0),
                name="quote_totals_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["opportunity", "status"], name="quote_opp_status")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return keyed_url("quotes:detail", self.pk)

    @property
    def number(self) -> str:
        return f"{self.opportunity.number or self.opportunity_id}-{self.version_no:02d}"


class QuoteLine(models.Model):
    quote = models.ForeignKey(QuoteVersion, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    product = models.ForeignKey(
        "products.Product", verbose_name=_("产品"), on_delete=models.PROTECT, related_name="+"
    )
    product_code = models.CharField(_("产品编码"), max_length=32)
    product_name = models.CharField(_("产品名称"), max_length=200)
    unit = models.CharField(_("单位"), max_length=16)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(_("单价（元）"), max_digits=14, decimal_places=2)
    discount_rate = models.DecimalField(_("折扣率（%）"), max_digits=5, decimal_places=2)
    list_amount = models.DecimalField(_("折前金额（元）"), max_digits=16, decimal_places=2)
    net_amount = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2)
    tax_rate = models.DecimalField(_("税率"), max_digits=4, decimal_places=2)
    tax_amount = models.DecimalField(_("税额（元）"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("报价明细")
        verbose_name_plural = _("报价明细")
        ordering = ["quote", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.product_name} × {self.quantity}"


class DeliveryReview(models.Model):
    """The delivery manager's judgement of scope, workload and price for one version."""

    quote = models.ForeignKey(QuoteVersion, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评审人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_ok = models.BooleanField(_("方案范围可交付"))
    workload_days = models.DecimalField(_("评估工作量（人天）"), max_digits=8, decimal_places=1)
    price_ok = models.BooleanField(_("报价可覆盖交付成本"))
    comment = models.TextField(_("评审意见"), blank=True)
    reviewed_at = models.DateTimeField(_("评审时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("交付评审")
        verbose_name_plural = _("交付评审")
        ordering = ["quote", "-reviewed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(workload_days__gte=0), name="delivery_review_workload_not_neg"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quote_id}: {self.reviewer_id}"

    @property
    def passed(self) -> bool:
        return self.scope_ok and self.price_ok
