"""The collection checklist 情理法 (SPEC R-COL-5) and the collection alert thresholds (R-COL-7).

Templates say what should be done before a kind of milestone falls due; each milestone gets its
own items copied from them (`checklist_sync`), so a later edit of a template never rewrites what
someone already ticked."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kam.checklists.enums import ChecklistAction, ChecklistCategory
from kam.contracts.enums import MilestoneKind

MAX_LEAD_DAYS = 365
DEFAULT_ALERT_SETTINGS = {"warn_days": 7, "escalate_manager_days": 15, "escalate_director_days": 30}


class ChecklistTemplate(models.Model):
    category = models.CharField(_("类别"), max_length=8, choices=ChecklistCategory.choices)
    label = models.CharField(_("事项"), max_length=100)
    # Milestone kinds (kam.contracts.enums.MilestoneKind values) it applies to; empty is all.
    milestone_kinds = models.JSONField(_("适用款项"), default=list, blank=True)
    needs_evidence = models.BooleanField(
        _("需要证据文件"), default=False, help_text=_("至少上传一个文件后才算完成。")
    )
    lead_days = models.PositiveSmallIntegerField(
        _("提前天数"), default=0, validators=[MaxValueValidator(MAX_LEAD_DAYS)],
        help_text=_("应在到期日前多少天完成。"),
    )  # fmt: skip
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("回款清单模板")
        verbose_name_plural = _("回款清单模板")
        ordering = ["category", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.label}"

    @property
    def kind_labels(self) -> list[str]:
        labels = dict(MilestoneKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.milestone_kinds]

    def applies_to(self, kind: str) -> bool:
        return not self.milestone_kinds or kind in self.milestone_kinds


class ChecklistItem(models.Model):
    """One template's item on one milestone. The template's wording is copied in."""

    milestone = models.ForeignKey(
        "contracts.PaymentMilestone", on_delete=models.CASCADE, related_name="checklist_items"
    )
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="items")
    category = models.CharField(_("类别"), max_length=8, choices=ChecklistCategory.choices)
    label = models.CharField(_("事项"), max_length=100)
    needs_evidence = models.BooleanField(_("需要证据文件"), default=False)
    lead_days = models.PositiveSmallIntegerField(_("提前天数"), default=0)
    position = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("完成人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("回款清单事项")
        verbose_name_plural = _("回款清单事项")
        ordering = ["milestone", "category", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "template"], name="checklist_item_once"),
        ]
        indexes = [models.Index(fields=["milestone", "done_at"], name="checklist_item_done")]

    def __str__(self) -> str:
        return self.label


class ChecklistEvidence(models.Model):
    """A delivery note, an acceptance certificate… Stored under a random name; served only
    through the download view, which checks the contract's visibility."""

    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="checklists/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小"))
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证据文件")
        verbose_name_plural = _("证据文件")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class ChecklistEvent(models.Model):
    """The history of an item: who ticked, unticked, added or removed evidence, and why."""

    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=16, choices=ChecklistAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("备注"), max_length=255, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("清单记录")
        verbose_name_plural = _("清单记录")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["item", "at"], name="checklist_event_item")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.item}"


class CollectionAlertSettings(models.Model):
    """The single configuration row (pk 1); read it through `collection_alert_settings()`."""

    warn_days = models.PositiveSmallIntegerField(
        _("到期前提醒（天）"), default=DEFAULT_ALERT_SETTINGS["warn_days"]
    )
    escalate_manager_days = models.PositiveSmallIntegerField(
        _("逾期升级至经理（天）"), default=DEFAULT_ALERT_SETTINGS["escalate_manager_days"]
    )
    escalate_director_days = models.PositiveSmallIntegerField(
        _("逾期升级至总监（天）"), default=DEFAULT_ALERT_SETTINGS["escalate_director_days"]
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("回款提醒设置")
        verbose_name_plural = _("回款提醒设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    warn_days__gt=0,
                    escalate_manager_days__gt=0,
                    escalate_manager_days__lt=F("escalate_director_days"),
                ),
                name="collection_alert_settings_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.warn_days}/{self.escalate_manager_days}/{self.escalate_director_days}"
