"""Page input for tasks and group bots: parse and check shape; the services decide the rest."""

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.tasks.clock import DATE_ONLY_DUE_AT
from kam.tasks.enums import TaskScope, TaskSource, TaskStatus, WebhookPlatform
from kam.tasks.models import Task, TeamWebhook
from kam.tasks.selectors import task_owner_choices, webhook_teams_manageable
from kam.users.models import User

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _all(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("全部")), *choices]


class TaskFilterForm(forms.Form):
    scope = forms.ChoiceField(label=_("范围"), required=False, choices=TaskScope.choices)
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=_all(TaskStatus.choices),
        initial=TaskStatus.OPEN,
    )
    source = forms.ChoiceField(label=_("来源"), required=False, choices=_all(TaskSource.choices))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.leads_team = user.sees_everything or len(task_owner_choices(user)[:2]) > 1
        if not self.leads_team:
            del self.fields["scope"]

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"status": TaskStatus.OPEN}
        data = self.cleaned_data
        return {
            "scope": data.get("scope") or TaskScope.MINE,
            "status": data["status"],
            "source": data["source"],
        }


def _due_at(day: Any, clock: time | None) -> datetime | None:
    if not day:
        return None
    return timezone.make_aware(datetime.combine(day, clock or DATE_ONLY_DUE_AT))


class QuickTaskForm(forms.Form):
    title = forms.CharField(
        label=_("任务"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("要做什么？")}),
    )
    due_date = forms.DateField(
        label=_("截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def service_data(self) -> dict[str, Any]:
        return {
            "title": self.cleaned_data["title"],
            "due_at": _due_at(self.cleaned_data["due_date"], None),
        }


class TaskForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    title = forms.CharField(label=_("任务"), max_length=300)
    owner = forms.ModelChoiceField(label=_("负责人"), queryset=User.objects.none())
    due_date = forms.DateField(
        label=_("截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    due_time = forms.TimeField(
        label=_("截止时间"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    remind_at = forms.DateTimeField(
        label=_("提醒时间"),
        required=False,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("留空则在截止当天 9:00 提醒。"),
    )
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: User, task: Task | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = task_owner_choices(user)  # type: ignore[attr-defined]
        if task is not None and not task.is_manual:
            # Derived tasks take these from their source.
            for name in ("title", "owner", "due_date", "due_time"):
                self.fields[name].disabled = True

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "owner": data["owner"],
            "due_at": _due_at(data["due_date"], data["due_time"]),
            "remind_at": data["remind_at"],
            "note": data["note"],
        }


def task_initial(task: Task) -> dict[str, Any]:
    due = timezone.localtime(task.due_at) if task.due_at else None
    return {
        "version": task.version,
        "title": task.title,
        "owner": task.owner_id,
        "due_date": due.date() if due else None,
        "due_time": due.time().replace(second=0, microsecond=0) if due else None,
        "remind_at": timezone.localtime(task.remind_at) if task.remind_at else None,
        "note": task.note,
    }


class WebhookForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    team = forms.ModelChoiceField(label=_("团队"), queryset=TeamWebhook.objects.none())
    name = forms.CharField(label=_("名称"), max_length=100)
    platform = forms.ChoiceField(label=_("平台"), choices=WebhookPlatform.choices)
    url = forms.CharField(label=_("Webhook 地址"), max_length=500)
    secret = forms.CharField(
        label=_("签名密钥"),
        required=False,
        max_length=200,
        help_text=_("钉钉、飞书开启“加签”时填写；企业微信留空。"),
    )
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    send_reminders = forms.BooleanField(label=_("发送任务提醒"), required=False, initial=True)
    send_digest = forms.BooleanField(label=_("发送每日摘要"), required=False, initial=True)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = webhook_teams_manageable(user)  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}


def webhook_initial(webhook: TeamWebhook) -> dict[str, Any]:
    return {
        "version": webhook.version,
        "team": webhook.team_id,
        "name": webhook.name,
        "platform": webhook.platform,
        "url": webhook.url,
        "secret": webhook.secret,
        "active": webhook.active,
        "send_reminders": webhook.send_reminders,
        "send_digest": webhook.send_digest,
    }
