"""The handover form: one receiver for everything, optional overrides per kind and per account."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kam.accounts.models import Account
from kam.handovers.enums import ItemKind
from kam.handovers.services.planning import Assignments
from kam.users.models import User

KIND_FIELDS = {
    ItemKind.ACCOUNT: "to_account",
    ItemKind.OPPORTUNITY: "to_opportunity",
    ItemKind.LEAD: "to_lead",
    ItemKind.APPROVAL_STEP: "to_approval_step",
    ItemKind.TASK: "to_task",
}


def account_field_name(account_id: int) -> str:
    return f"account_{account_id}"


class ReceiverField(forms.TypedChoiceField):
    """A receiver from a list read once: a page with a select per account must not query the
    users once per select."""

    def __init__(self, *, users: list[User] | None = None, **kwargs: Any) -> None:
        super().__init__(coerce=int, empty_value=None, **kwargs)
        self.users_by_pk: dict[int, User] = {}
        self.set_users(users or [])

    def set_users(self, users: list[User]) -> None:
        self.users_by_pk = {user.pk: user for user in users}
        self.choices = [("", "—")] + [
            (user.pk, f"{user} · {user.team}" if user.team_id else str(user)) for user in users
        ]

    def clean(self, value: Any) -> User | None:
        pk = super().clean(value)
        return self.users_by_pk[pk] if pk is not None else None


class HandoverForm(forms.Form):
    everything = ReceiverField(label=_("全部（或其余）交给"), required=False)
    to_account = ReceiverField(label=_("客户交给"), required=False)
    to_opportunity = ReceiverField(label=_("商机交给"), required=False)
    to_lead = ReceiverField(label=_("线索交给"), required=False)
    to_approval_step = ReceiverField(label=_("待审批步骤交给"), required=False)
    to_task = ReceiverField(label=_("任务交给"), required=False)
    note = forms.CharField(
        label=_("交接说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    fingerprint = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, receivers: QuerySet[User], accounts: list[Account], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.accounts = accounts
        users = list(receivers)
        for name in ["everything", *KIND_FIELDS.values()]:
            field = self.fields[name]
            assert isinstance(field, ReceiverField)  # noqa: S101 - declared above
            field.set_users(users)
        for account in accounts:
            self.fields[account_field_name(account.pk)] = ReceiverField(
                label=account.name, users=users, required=False
            )

    def account_fields(self) -> list[tuple[Account, forms.BoundField]]:
        return [(account, self[account_field_name(account.pk)]) for account in self.accounts]

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in KIND_FIELDS.values()]

    def assignments(self) -> Assignments:
        data = self.cleaned_data
        return Assignments(
            everything=data.get("everything"),
            per_kind={kind: data[name] for kind, name in KIND_FIELDS.items() if data.get(name)},
            per_account={
                account.pk: data[account_field_name(account.pk)]
                for account in self.accounts
                if data.get(account_field_name(account.pk))
            },
        )


class DeactivateForm(forms.Form):
    force = forms.BooleanField(
        label=_("仍有未交接的工作时也停用"), required=False,
        help_text=_("剩余工作仍可在本页继续交接。"),
    )  # fmt: skip
    confirm = forms.BooleanField(label=_("我确认停用该用户"), required=True)


class ReverseForm(forms.Form):
    note = forms.CharField(label=_("撤销说明"), required=False, max_length=2000)
