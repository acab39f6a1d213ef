from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.core.links import keyed_url
from kam.interactions.enums import InteractionKind


class Interaction(models.Model):
    """A visit, call, meeting … with an account (R-ACT-1)."""

    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("客户"),
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=InteractionKind.choices)
    occurred_at = models.DateTimeField(_("时间"))
    subject = models.CharField(_("主题"), max_length=200)
    our_participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("我方参与人"),
        blank=True,
        related_name="interactions_joined",
    )
    their_participants = models.ManyToManyField(
        "contacts.Contact",
        verbose_name=_("客户参与人"),
        blank=True,
        related_name="interactions",
    )
    content = models.TextField(_("沟通内容"), blank=True)
    # Reception of officials (接待): each official's post, how they were received, what was said.
    reception_notes = models.TextField(_("接待记录"), blank=True)
    outcome = models.TextField(_("结果"), blank=True)
    next_step = models.CharField(_("下一步"), max_length=300, blank=True)
    next_step_date = models.DateField(_("下一步日期"), null=True, blank=True)
    accompanied = models.BooleanField(_("陪访"), default=False)
    accompanied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("陪访人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accompanied_interactions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="interactions_logged",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("拜访记录")
        verbose_name_plural = _("拜访记录")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["account", "-occurred_at"], name="interaction_account_time"),
            models.Index(fields=["created_by", "-occurred_at"], name="interaction_author_time"),
            models.Index(fields=["-occurred_at"], name="interaction_time"),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return keyed_url("interactions:detail", self.pk)


class Attachment(models.Model):
    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name
