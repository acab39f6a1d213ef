"""The deal's "hidden line" (暗线, SPEC R-OPP-5): the four-question assessment and competitive
strategy, the deal's own decision chain (R-CON-2) and the action plan.

The account-level standing of a person lives on `kam.contacts.Contact`; a `DealContact` is the
same person seen from one deal (their role and stance here may differ from the account's).
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kam.contacts.enums import Attitude, DecisionRole, Influence

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]
QUESTIONS = ("real", "compete", "win", "worth")


def _score(label: "StrOrPromise") -> "models.PositiveSmallIntegerField[int | None, int | None]":
    return models.PositiveSmallIntegerField(label, null=True, blank=True, validators=ONE_TO_FIVE)


class Assessment(models.Model):
    """The four questions, each scored 1–5 with a note. The overall score is their SUM (4–20),
    given only once all four are scored: a sum keeps integer math and reads like a checklist
    ("16 of 20"), where a mean would need rounding."""

    opportunity = models.OneToOneField(
        "opportunities.Opportunity", on_delete=models.CASCADE, related_name="assessment"
    )
    real_score = _score(_("项目是否真实"))
    real_note = models.TextField(_("项目是否真实（说明）"), blank=True)
    compete_score = _score(_("我们能否竞争"))
    compete_note = models.TextField(_("我们能否竞争（说明）"), blank=True)
    win_score = _score(_("我们能否赢"))
    win_note = models.TextField(_("我们能否赢（说明）"), blank=True)
    worth_score = _score(_("是否值得做"))
    worth_note = models.TextField(_("是否值得做（说明）"), blank=True)
    competitive_strategy = models.TextField(_("竞争策略"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("项目评估")
        verbose_name_plural = _("项目评估")
        constraints = [
            models.CheckConstraint(
                condition=(Q(real_score__isnull=True) | Q(real_score__gte=1, real_score__lte=5))
                & (Q(compete_score__isnull=True) | Q(compete_score__gte=1, compete_score__lte=5))
                & (Q(win_score__isnull=True) | Q(win_score__gte=1, win_score__lte=5))
                & (Q(worth_score__isnull=True) | Q(worth_score__gte=1, worth_score__lte=5)),
                name="assessment_scores_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.total_score or '-'}"

    @property
    def scores(self) -> list[int | None]:
        return [getattr(self, f"{q}_score") for q in QUESTIONS]

    @property
    def is_complete(self) -> bool:
        return all(score is not None for score in self.scores)

    @property
    def total_score(self) -> int | None:
        scores = self.scores
        if any(score is None for score in scores):
            return None
        return sum(score for score in scores if score is not None)


class DealContact(models.Model):
    """A key person in this deal's decision chain (R-CON-2)."""

    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.CASCADE, related_name="deal_contacts"
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("关键人"),
        on_delete=models.CASCADE,
        related_name="deal_roles",
    )
    role_in_deal = models.CharField(
        _("项目中的角色"), max_length=16, choices=DecisionRole.choices, blank=True
    )
    influence = models.CharField(_("影响力"), max_length=8, choices=Influence.choices, blank=True)
    attitude = models.CharField(
        _("态度"), max_length=16, choices=Attitude.choices, default=Attitude.NEUTRAL
    )
    solution_acceptance = models.PositiveSmallIntegerField(
        _("方案认可度"), default=1, validators=ONE_TO_FIVE
    )
    price_acceptance = models.PositiveSmallIntegerField(
        _("价格接受度"), default=1, validators=ONE_TO_FIVE
    )
    relationship_strategy = models.TextField(_("关系策略"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("项目决策链成员")
        verbose_name_plural = _("项目决策链成员")
        ordering = ["opportunity", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "contact"], name="deal_contact_once_per_deal"
            ),
            models.CheckConstraint(
                condition=Q(solution_acceptance__gte=1, solution_acceptance__lte=5)
                & Q(price_acceptance__gte=1, price_acceptance__lte=5),
                name="deal_contact_scores_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.contact_id}"


class ActionItem(models.Model):
    """One step of the deal's action plan."""

    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.CASCADE, related_name="action_items"
    )
    title = models.CharField(_("行动"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        on_delete=models.PROTECT,
        related_name="deal_action_items",
    )
    due_date = models.DateField(_("截止日期"))
    done = models.BooleanField(_("已完成"), default=False)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    result = models.TextField(_("结果"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("行动计划")
        verbose_name_plural = _("行动计划")
        ordering = ["opportunity", "done", "due_date", "pk"]
        indexes = [
            models.Index(fields=["opportunity", "done", "due_date"], name="action_item_opp"),
            models.Index(fields=["owner", "done", "due_date"], name="action_item_owner"),
        ]

    def __str__(self) -> str:
        return self.title
