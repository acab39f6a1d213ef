"""Bids (SPEC R-OPP-8): the tender, its approval, documents and credentials, the technical and
commercial reviews, the result, and the negotiation after it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kam.bids.enums import (
    FINISHED_STATUSES,
    BidStatus,
    DocumentKind,
    DocumentStatus,
    ReviewConclusion,
    ReviewKind,
)
from kam.core.links import keyed_url


class Bid(models.Model):
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("商机"),
        on_delete=models.CASCADE,
        related_name="bids",
    )
    tender_number = models.CharField(_("招标编号"), max_length=100, blank=True)
    tender_name = models.CharField(_("招标项目名称"), max_length=200)
    deadline = models.DateTimeField(_("投标截止时间"))
    submitted_on = models.DateField(_("投标日期"), null=True, blank=True)
    bond = models.DecimalField(_("投标保证金（元）"), default=0, max_digits=16, decimal_places=2)
    bid_amount = models.DecimalField(_("投标报价（元）"), max_digits=16, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=20, choices=BidStatus.choices, default=BidStatus.PREPARING
    )
    result_note = models.TextField(_("结果说明"), blank=True)
    competitor_prices = models.TextField(_("竞争对手报价"), blank=True)
    result_at = models.DateTimeField(_("结果登记时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("投标")
        verbose_name_plural = _("投标")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["opportunity", "-created_at"], name="bid_opportunity")]
        constraints = [
            # One live bid per deal; a lost or abandoned one leaves room for a re-bid.
            models.UniqueConstraint(
                fields=["opportunity"],
                condition=~Q(status__in=FINISHED_STATUSES),
                name="bid_one_active_per_opportunity",
            ),
            models.CheckConstraint(condition=Q(bond__gte=0), name="bid_bond_not_negative"),
            models.CheckConstraint(condition=Q(bid_amount__gte=0), name="bid_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.tender_name

    def get_absolute_url(self) -> str:
        return keyed_url("bids:detail", self.pk)

    @property
    def is_active(self) -> bool:
        return self.status not in FINISHED_STATUSES


class BidDocumentRequest(models.Model):
    """投标文件/资质申请: which documents and credentials the bid needs, approved once."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="document_requests")
    kinds = models.JSONField(_("文件类型"), default=list)
    description = models.TextField(_("说明"), blank=True)
    needed_by = models.DateField(_("需要日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("投标文件申请")
        verbose_name_plural = _("投标文件申请")
        ordering = ["bid", "pk"]

    def __str__(self) -> str:
        return f"{self.bid_id}: {', '.join(self.kinds)}"

    @property
    def kind_labels(self) -> list[str]:
        return [str(DocumentKind(k).label) if k in DocumentKind.values else k for k in self.kinds]


class BidReview(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("评审类型"), max_length=16, choices=ReviewKind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评审人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    conclusion = models.CharField(
        _("评审结论"), max_length=8, choices=ReviewConclusion.choices, blank=True
    )
    comments = models.TextField(_("评审意见"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(_("评审时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("投标评审")
        verbose_name_plural = _("投标评审")
        ordering = ["bid", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.bid_id}"


class PostBidNegotiation(models.Model):
    """标后谈判: one meeting's notes."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="negotiations")
    date = models.DateField(_("日期"))
    participants = models.CharField(_("参与人"), max_length=300)
    content = models.TextField(_("谈判内容"))
    outcome = models.TextField(_("谈判结果"), blank=True)
    next_step = models.CharField(_("下一步"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("标后谈判")
        verbose_name_plural = _("标后谈判")
        ordering = ["bid", "-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date} · {self.bid_id}"
