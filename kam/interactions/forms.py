"""Parsing only: the forms turn a POST (or an API body) into typed values; the rules live in
kam.interactions.services so the page and the API can't drift apart."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.accounts.models import Account
from kam.contacts.models import Contact
from kam.interactions.enums import InteractionKind
from kam.interactions.models import Interaction
from kam.interactions.selectors import (
    account_contacts,
    account_loggable_ids,
    accounts_loggable_by,
    participant_user_choices,
)
from kam.interactions.services import INTERACTION_FIELDS
from kam.users.models import User

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (possibly empty)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ParticipantCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes as big tap targets (see .choice-list in kam.css)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"class": "choice-list", **(attrs or {})})


class AccountPickForm(forms.Form):
    """Step one on the create page when no account was given: which account?"""

    account = forms.ModelChoiceField(label=_("客户"), queryset=Account.objects.none())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["account"])
        field.queryset = account_loggable_ids(user)
        # Validation accepts any loggable account; the list offered stays short, and is only
        # queried when the select is actually rendered (a callable is evaluated lazily).
        field.widget.choices = lambda: (
            [("", _("请选择客户"))] + [(a.pk, a.name) for a in accounts_loggable_by(user)]
        )


class InteractionForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=InteractionKind.choices)
    occurred_at = forms.DateTimeField(
        label=_("时间"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    subject = forms.CharField(label=_("主题"), max_length=200)
    our_participants = forms.ModelMultipleChoiceField(
        label=_("我方参与人"),
        queryset=User.objects.none(),
        required=False,
        widget=ParticipantCheckboxes(),
    )
    their_participants = forms.ModelMultipleChoiceField(
        label=_("客户参与人"),
        queryset=Contact.objects.none(),
        required=False,
        widget=ParticipantCheckboxes(),
    )
    content = forms.CharField(
        label=_("沟通内容"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    reception_notes = forms.CharField(
        label=_("接待记录"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("仅“接待”类填写：每位来访领导的职务、接待方式、谈话要点。"),
    )
    outcome = forms.CharField(
        label=_("结果"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_step = forms.CharField(label=_("下一步"), max_length=300, required=False)
    next_step_date = forms.DateField(
        label=_("下一步日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    accompanied = forms.BooleanField(label=_("陪访"), required=False)
    accompanied_by = forms.ModelChoiceField(
        label=_("陪访人"), queryset=User.objects.none(), required=False
    )
    attachments = MultipleFileField(label=_("附件"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        account: Account,
        actor: User,
        instance: Interaction | None = None,
        users: QuerySet[User] | None = None,
        contacts: QuerySet[Contact] | None = None,
        **kwargs: Any,
    ) -> None:
        """`users`/`contacts` widen what is accepted (the API takes any visible person); by
        default the page offers a short list of likely colleagues and the account's contacts."""
        self.account, self.actor, self.instance = account, actor, instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = interaction_initial(instance)
        super().__init__(*args, **kwargs)
        if instance is None:
            self.fields["occurred_at"].initial = timezone.localtime().replace(
                second=0, microsecond=0
            )
            self.fields["our_participants"].initial = [actor.pk]
            del self.fields["version"]
        else:
            self.fields["version"].required = True
        include: list[int] = []
        if instance is not None:
            include = [u.pk for u in instance.our_participants.all()]
            if instance.accompanied_by_id:
                include.append(instance.accompanied_by_id)
        people = (
            users
            if users is not None
            else participant_user_choices(actor=actor, account=account, include_ids=include)
        )
        self._set_queryset("our_participants", people)
        self._set_queryset("accompanied_by", people)
        self._set_queryset(
            "their_participants", contacts if contacts is not None else account_contacts(account)
        )
        attachments = self.fields["attachments"]
        extensions = sorted(settings.ATTACHMENT_EXTENSIONS)
        attachments.widget.attrs["accept"] = ",".join(f".{e}" for e in extensions)
        attachments.help_text = _("可多选，单个文件不超过 %(limit)s；支持 %(types)s。") % {
            "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            "types": "、".join(extensions),
        }
        self.fields["accompanied_by"].empty_label = _("（无）")  # type: ignore[attr-defined]

    def _set_queryset(self, name: str, queryset: QuerySet[Any]) -> None:
        cast(forms.ModelChoiceField, self.fields[name]).queryset = queryset

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in INTERACTION_FIELDS}


def interaction_initial(instance: Interaction) -> dict[str, Any]:
    """The current values in the form's shape (the edit page and API PATCH start from these)."""
    initial: dict[str, Any] = {name: getattr(instance, name) for name in INTERACTION_FIELDS}
    initial["occurred_at"] = timezone.localtime(instance.occurred_at)
    initial["accompanied_by"] = instance.accompanied_by_id
    initial["our_participants"] = [u.pk for u in instance.our_participants.all()]
    initial["their_participants"] = [c.pk for c in instance.their_participants.all()]
    initial["version"] = instance.version
    return initial
