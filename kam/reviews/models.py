"""The daily deal review sheet (理单表, SPEC R-REV-1) and coaching notes (R-REV-2).

A sheet is one rep's open deals and leads on one of the rep's local days. Its items keep a
snapshot taken when the sheet was (re)built, so the nightly meeting reads what the rep saw,
not whatever the deal looks like later; the rep's own words live beside the snapshot and are
never touched by a rebuild.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kam.core.links import keyed_url
from kam.reviews.enums import CoachingKind


class ReviewSheet(models.Model):
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("客户经理"),
        on_delete=models.CASCADE,
        related_name="review_sheets",
    )
    day = models.DateField(_("日期"))
    team = models.ForeignKey(
        "users.Team",
        verbose_name=_("团队"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    generated_at = models.DateTimeField(_("生成时间"))
    filed_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    rep_summary = models.TextField(_("今日小结"), blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("理单表")
        verbose_name_plural = _("理单表")
        ordering = ["-day", "rep_id"]
        constraints = [
            models.UniqueConstraint(fields=["rep", "day"], name="review_sheet_rep_day"),
        ]
        indexes = [
            models.Index(fields=["day", "team"], name="review_sheet_day_team"),
            models.Index(fields=["rep", "-day"], name="review_sheet_rep_day_desc"),
        ]

    def __str__(self) -> str:
        return f"{self.rep} {self.day:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:sheet", args=[self.rep_id, self.day.isoformat()])

    @property
    def is_filed(self) -> bool:
        return self.filed_at is not None


class ReviewItem(models.Model):
    sheet = models.ForeignKey(ReviewSheet, on_delete=models.CASCADE, related_name="items")
    # SET_NULL: a deleted deal must not take the rep's notes about it along.
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("商机"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead = models.ForeignKey(
        "leads.Lead",
        verbose_name=_("线索"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(default=0)
    # name, account, stage, amount (str), intent_class, expected_sign_date (ISO), changes [str],
    # next_step — frozen when the sheet is built.
    snapshot = models.JSONField(default=dict)
    rep_note = models.TextField(_("理单备注"), blank=True)
    next_step = models.TextField(_("下一步"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("理单条目")
        verbose_name_plural = _("理单条目")
        ordering = ["sheet", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "opportunity"],
                condition=Q(opportunity__isnull=False),
                name="review_item_one_per_opportunity",
            ),
            models.UniqueConstraint(
                fields=["sheet", "lead"],
                condition=Q(lead__isnull=False),
                name="review_item_one_per_lead",
            ),
        ]
        indexes = [
            models.Index(fields=["opportunity"], name="review_item_opportunity"),
            models.Index(fields=["lead"], name="review_item_lead"),
        ]

    def __str__(self) -> str:
        return str(self.snapshot.get("name", self.pk))

    @property
    def intent_class(self) -> str:
        return str(self.snapshot.get("intent_class", ""))

    @property
    def changes(self) -> list[str]:
        return list(self.snapshot.get("changes", []))


class ReviewComment(models.Model):
    sheet = models.ForeignKey(ReviewSheet, on_delete=models.CASCADE, related_name="comments")
    item = models.ForeignKey(
        ReviewItem, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("点评人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("点评"))
    created_at = models.DateTimeField(_("点评时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("理单点评")
        verbose_name_plural = _("理单点评")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["sheet", "created_at"], name="review_comment_sheet")]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:30]}"


class CoachingNote(models.Model):
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("客户经理"),
        on_delete=models.CASCADE,
        related_name="coaching_notes",
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("辅导人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("辅导方式"), max_length=24, choices=CoachingKind.choices)
    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("客户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    happened_on = models.DateField(_("辅导日期"))
    observations = models.TextField(_("观察记录"))
    strengths = models.TextField(_("做得好的"), blank=True)
    improvements = models.TextField(_("待改进"), blank=True)
    follow_up_action = models.TextField(_("跟进要求"), blank=True)
    follow_up_due = models.DateField(_("跟进截止日期"), null=True, blank=True)
    follow_up_done_at = models.DateTimeField(_("跟进完成时间"), null=True, blank=True)
    follow_up_result = models.TextField(_("跟进结果"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("辅导记录")
        verbose_name_plural = _("辅导记录")
        ordering = ["-happened_on", "-pk"]
        indexes = [
            models.Index(fields=["rep", "-happened_on"], name="coaching_rep_day"),
            models.Index(
                fields=["follow_up_due"],
                condition=Q(follow_up_done_at__isnull=True, follow_up_due__isnull=False),
                name="coaching_follow_up_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rep} {self.get_kind_display()} {self.happened_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return keyed_url("reviews:coaching_detail", self.pk)

    @property
    def follow_up_open(self) -> bool:
        return self.follow_up_due is not None and self.follow_up_done_at is None
