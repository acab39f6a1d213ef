"""Leads (线索, SPEC R-LEAD-1..3): a possible deal before it is qualified into an opportunity,
with its SPIN notes, its BANT qualification and its follow-up records."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from kam.accounts.enums import PurchaseScenario
from kam.leads.enums import BantStatus, FollowUpKind, LeadSource, LeadStatus
from kam.opportunities.enums import IntentClass

BANT_KEYS = ("budget", "authority", "need", "timeline")
BANT_LABELS = {
    "budget": _("预算"),
    "authority": _("决策权"),
    "need": _("需求"),
    "timeline": _("时间"),
}


def _bant_status(label: StrOrPromise) -> "models.CharField[str, str]":
    return models.CharField(
        label, max_length=16, choices=BantStatus.choices, default=BantStatus.UNKNOWN
    )


class Lead(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        on_delete=models.PROTECT,
        related_name="leads",
    )
    team = models.ForeignKey(
        "users.Team",
        verbose_name=_("团队"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("客户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    company_name = models.CharField(_("公司名称"), max_length=200)
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    contact_title = models.CharField(_("职务"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=LeadSource.choices)
    scenario = models.CharField(
        _("采购场景"), max_length=20, choices=PurchaseScenario.choices, blank=True
    )
    situation = models.TextField(_("现状（S）"), blank=True)
    problem = models.TextField(_("问题（P）"), blank=True)
    implication = models.TextField(_("影响（I）"), blank=True)
    need_payoff = models.TextField(_("需求回报（N）"), blank=True)
    budget = _bant_status(BANT_LABELS["budget"])
    budget_note = models.TextField(_("预算说明"), blank=True)
    authority = _bant_status(BANT_LABELS["authority"])
    authority_note = models.TextField(_("决策权说明"), blank=True)
    need = _bant_status(BANT_LABELS["need"])
    need_note = models.TextField(_("需求说明"), blank=True)
    timeline = _bant_status(BANT_LABELS["timeline"])
    timeline_note = models.TextField(_("时间说明"), blank=True)
    intent_class = models.CharField(
        _("意向分类"), max_length=1, choices=IntentClass.choices, blank=True
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=LeadStatus.choices, default=LeadStatus.NEW
    )
    disqualify_reason = models.TextField(_("关闭原因"), blank=True)
    converted_opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("转化商机"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_leads",
    )
    converted_at = models.DateTimeField(_("转化时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("线索")
        verbose_name_plural = _("线索")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "-updated_at"], name="lead_owner_updated"),
            models.Index(fields=["status", "-updated_at"], name="lead_status_updated"),
            models.Index(fields=["intent_class", "-updated_at"], name="lead_intent_updated"),
            models.Index(fields=["source", "-updated_at"], name="lead_source_updated"),
            models.Index(fields=["account"], name="lead_account"),
        ]

    def __str__(self) -> str:
        return self.company_name

    def bant_unconfirmed(self) -> list[str]:
        """The BANT keys not yet confirmed, in B-A-N-T order."""
        return [key for key in BANT_KEYS if getattr(self, key) != BantStatus.CONFIRMED]


class LeadFollowUp(models.Model):
    lead = models.ForeignKey(
        Lead, verbose_name=_("线索"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    at = models.DateTimeField(_("跟进时间"))
    kind = models.CharField(_("方式"), max_length=16, choices=FollowUpKind.choices)
    content = models.TextField(_("跟进内容"))
    next_step = models.TextField(_("下一步"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("跟进人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("线索跟进记录")
        verbose_name_plural = _("线索跟进记录")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["lead", "-at"], name="lead_follow_up_at")]

    def __str__(self) -> str:
        return f"{self.lead_id} {self.at:%Y-%m-%d}"
