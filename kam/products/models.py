"""The product catalogue: product lines and products with list prices (money is Decimal only)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.core.links import keyed_url

MAX_PRICE = Decimal("999999999999.99")  # max_digits=14, decimal_places=2
TAX_RATES = [
    (Decimal("0.00"), "0%"),
    (Decimal("0.06"), "6%"),
    (Decimal("0.09"), "9%"),
    (Decimal("0.13"), "13%"),
]


class ProductLine(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("编码"), max_length=32, unique=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("产品线")
        verbose_name_plural = _("产品线")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    line = models.ForeignKey(
        ProductLine, verbose_name=_("产品线"), on_delete=models.PROTECT, related_name="products"
    )
    code = models.CharField(_("产品编码"), max_length=32, unique=True)
    name = models.CharField(_("产品名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    unit = models.CharField(_("单位"), max_length=16)
    list_price = models.DecimalField(_("目录价"), max_digits=14, decimal_places=2)
    tax_rate = models.DecimalField(
        _("税率"), max_digits=4, decimal_places=2, choices=TAX_RATES, default=Decimal("0.13")
    )
    description = models.TextField(_("说明"), blank=True)
    active = models.BooleanField(_("在售"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("产品")
        verbose_name_plural = _("产品")
        ordering = ["line__sort_order", "code"]
        indexes = [
            models.Index(fields=["line", "active", "code"], name="product_line_active_code"),
            models.Index(fields=["active", "code"], name="product_active_code"),
            models.Index(fields=["name"], name="product_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(list_price__gte=0), name="product_list_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(tax_rate__in=[rate for rate, _label in TAX_RATES]),
                name="product_tax_rate_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return keyed_url("products:detail", self.pk)


class ProductPriceChange(models.Model):
    product = models.ForeignKey(
        Product, verbose_name=_("产品"), on_delete=models.CASCADE, related_name="price_changes"
    )
    old_price = models.DecimalField(_("原价"), max_digits=14, decimal_places=2)
    new_price = models.DecimalField(_("新价"), max_digits=14, decimal_places=2)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("调价时间"), auto_now_add=True)
    reason = models.CharField(_("调价原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("调价记录")
        verbose_name_plural = _("调价记录")
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["product", "-changed_at"], name="price_change_product")]

    def __str__(self) -> str:
        return f"{self.old_price} → {self.new_price}"
