"""Input parsing for the account pages and the API (the API runs these same forms)."""

from typing import Any, cast

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.accounts.core_fields import CORE_FIELDS
from kam.accounts.enums import (
    PROVINCE_CHOICES,
    AccountStatus,
    AccountTeamRole,
    CoreField,
    Grade,
    Industry,
    Level,
    VerificationMethod,
)
from kam.accounts.models import Account
from kam.accounts.selectors import (
    DEFAULT_SORT,
    SORT_FIELDS,
    account_owner_choices,
    accounts_visible_to,
)
from kam.accounts.services import ACCOUNT_FIELDS
from kam.accounts.validators import validate_credit_code
from kam.users.models import Team, User
from kam.users.selectors import users_active

PARENT_LEVELS = [Level.GROUP, Level.PROVINCE, Level.CITY]


def _model_field(name: str, **kwargs: Any) -> Any:
    return cast("models.Field[Any, Any]", Account._meta.get_field(name)).formfield(**kwargs)


def _choices(form: forms.Form, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


def _blank_first(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("全部")), *choices]


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        team = f" · {obj.team.name}" if getattr(obj, "team", None) else ""
        return f"{obj}{team}"


class AccountForm(forms.Form):
    """Create (with owner and grade) or edit an account. Business rules live in the services."""

    name = _model_field("name")
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=30,
        required=False,
        help_text=_("18 位，营业执照上的代码；系统会校验校验位。"),
    )
    industry = _model_field("industry")
    province = _model_field("province")
    city = _model_field("city")
    level = _model_field("level")
    parent = forms.ModelChoiceField(
        queryset=Account.objects.none(),
        label=_("上级单位"),
        required=False,
        empty_label=_("（无）"),
        help_text=_("输入名称搜索集团、省级或市级客户。"),
    )
    owner = UserChoiceField(
        queryset=User.objects.none(), label=_("客户经理"), required=False, empty_label=_("（公海）")
    )
    grade = forms.ChoiceField(label=_("客户分级"), choices=Grade.choices, initial=Grade.C)
    status = forms.ChoiceField(
        label=_("状态"), choices=AccountStatus.choices, initial=AccountStatus.PROSPECT
    )
    purchase_scenario = _model_field("purchase_scenario")
    size = _model_field("size")
    website = _model_field("website")
    description = _model_field("description")
    confirm_not_duplicate = forms.BooleanField(label=_("确认不是同一客户"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        user: User,
        account: Account | None = None,
        with_owner_and_grade: bool | None = None,
        core_readonly: bool = False,
        **kwargs: Any,
    ) -> None:
        if account is not None and "initial" not in kwargs:
            kwargs["initial"] = account_form_initial(account)
        super().__init__(*args, **kwargs)
        self.user = user
        self.account = account
        # R-ACC-5: on the edit page core fields are shown, not edited (a change request is).
        self.core_readonly = core_readonly and account is not None
        if self.core_readonly:
            for name in CORE_FIELDS:
                self.fields[name].disabled = True
        if with_owner_and_grade is None:
            with_owner_and_grade = account is None
        parents = accounts_visible_to(user).filter(level__in=PARENT_LEVELS)
        if account is not None:
            parents = parents.exclude(pk=account.pk)
            if account.parent_id:
                parents = parents | Account.objects.filter(pk=account.parent_id)
        parent_field = _choices(self, "parent")
        parent_field.queryset = parents.only("id", "name").order_by("name")
        # Validation checks the whole visible queryset; the page only lists the chosen parent and
        # finds others through the search box (a select of every account would not scale).
        parent_field.widget.choices = [
            ("", parent_field.empty_label),
            *self._parent_options(parent_field.queryset),
        ]
        if with_owner_and_grade:
            _choices(self, "owner").queryset = account_owner_choices(user)
            self.fields["owner"].required = not user.sees_everything
            if not user.sees_everything:
                _choices(self, "owner").empty_label = "---------"
            if account is None:
                self.fields["owner"].initial = user.pk
            self.fields["owner"].help_text = _("留空则进入公海。") if user.sees_everything else ""
        else:
            del self.fields["owner"]
            del self.fields["grade"]
        if account is None:
            del self.fields["version"]
        else:
            self.fields["version"].required = True

    def _parent_options(self, allowed: Any) -> list[tuple[int, str]]:
        raw = self.data.get("parent") if self.is_bound else None
        if raw is None and self.account is not None:
            raw = self.account.parent_id
        if not raw or not str(raw).isdigit():
            return []
        chosen = allowed.filter(pk=int(raw)).values_list("pk", "name").first()
        return [chosen] if chosen else []

    def clean_credit_code(self) -> str | None:
        if self.fields["credit_code"].disabled and self.account is not None:
            # Shown, not edited: keep the stored code as it is, whatever its history.
            return self.account.credit_code
        value = self.cleaned_data.get("credit_code") or ""
        if not value.strip():
            return None
        return validate_credit_code(value)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs = {name: data[name] for name in ACCOUNT_FIELDS if name in data}
        for optional in ("grade", "owner"):
            if optional in self.fields:
                kwargs[optional] = data.get(optional)
        return kwargs


def account_form_initial(account: Account) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(account, name) for name in ACCOUNT_FIELDS}
    initial["parent"] = account.parent_id
    initial["owner"] = account.owner_id
    initial["grade"] = account.grade
    initial["credit_code"] = account.credit_code or ""
    initial["version"] = account.version
    return initial


class _DetailForm(forms.Form):
    """Several small forms share the detail page: give each its own element ids."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class GradeForm(_DetailForm):
    id_prefix = "grade"
    grade = forms.ChoiceField(label=_("新分级"), choices=Grade.choices)
    reason = forms.CharField(label=_("原因"), max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)


class OwnerForm(_DetailForm):
    id_prefix = "owner"
    owner = UserChoiceField(
        queryset=User.objects.none(),
        label=_("新客户经理"),
        required=False,
        empty_label=_("（公海）"),
    )
    reason = forms.CharField(label=_("原因"), max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "owner").queryset = account_owner_choices(user)
        self.fields["owner"].required = not user.sees_everything
        if not user.sees_everything:
            _choices(self, "owner").empty_label = "---------"


class VerificationForm(_DetailForm):
    id_prefix = "verify"
    field = forms.ChoiceField(label=_("核心字段"), choices=CoreField.choices)
    method = forms.ChoiceField(label=_("核实方式"), choices=VerificationMethod.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class TeamMemberForm(_DetailForm):
    id_prefix = "member"
    user = UserChoiceField(
        queryset=User.objects.none(), label=_("成员"), empty_label=_("请选择成员")
    )
    role = forms.ChoiceField(label=_("角色"), choices=AccountTeamRole.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "user").queryset = users_active()


class AccountFilterForm(forms.Form):
    """The list's filters (GET). Invalid values are ignored rather than shown as errors."""

    q = forms.CharField(label=_("关键词"), required=False)
    industry = forms.ChoiceField(
        label=_("行业"), choices=_blank_first(Industry.choices), required=False
    )
    province = forms.ChoiceField(
        label=_("省份"), choices=_blank_first(PROVINCE_CHOICES), required=False
    )
    level = forms.ChoiceField(label=_("层级"), choices=_blank_first(Level.choices), required=False)
    grade = forms.ChoiceField(label=_("分级"), choices=_blank_first(Grade.choices), required=False)
    status = forms.ChoiceField(
        label=_("状态"), choices=_blank_first(AccountStatus.choices), required=False
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("客户经理"), required=False, empty_label=_("全部")
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.all(), label=_("团队"), required=False, empty_label=_("全部")
    )
    sort = forms.ChoiceField(
        choices=[(s, s) for key in SORT_FIELDS for s in (key, f"-{key}")], required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "owner").queryset = (
            account_owner_choices(user).select_related(None).only("id", "username", "display_name")
        )

    def filters(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {key: value for key, value in data.items() if value and key != "sort"}

    def sort_value(self) -> str:
        if not self.is_bound:
            return DEFAULT_SORT
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("sort") or DEFAULT_SORT


class AccountMergeForm(forms.Form):
    """Merge a duplicate (the source) into the account the page is about (R-ACC-4)."""

    source = forms.ModelChoiceField(
        queryset=Account.objects.none(),
        label=_("重复客户（将被并入并删除）"),
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(label=_("合并原因"), max_length=200)
    confirm = forms.BooleanField(
        label=_("我已确认这是同一家单位；合并后重复客户将被删除，其全部记录并入当前客户。")
    )
    source_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    target_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, target: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Visible accounts: one the user may see but not edit is refused by the service (403).
        _choices(self, "source").queryset = accounts_visible_to(user).exclude(pk=target.pk)


class CoreChangeForm(forms.Form):
    """Ask for a change of an existing account's core fields (R-ACC-5)."""

    name = _model_field("name")
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=30,
        required=False,
        help_text=_("18 位，营业执照上的代码；系统会校验校验位。"),
    )
    parent = forms.ModelChoiceField(
        queryset=Account.objects.none(),
        label=_("上级单位"),
        required=False,
        empty_label=_("（无）"),
    )
    level = _model_field("level")
    reason = forms.CharField(
        label=_("修改原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：客户更名，附营业执照；审批通过后自动生效。"),
    )

    def __init__(self, *args: Any, user: User, account: Account, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "name": account.name,
                "credit_code": account.credit_code or "",
                "parent": account.parent_id,
                "level": account.level,
            },
        )
        super().__init__(*args, **kwargs)
        parents = accounts_visible_to(user).filter(level__in=PARENT_LEVELS).exclude(pk=account.pk)
        if account.parent_id:
            parents = parents | Account.objects.filter(pk=account.parent_id)
        parent_field = _choices(self, "parent")
        parent_field.queryset = parents.only("id", "name").order_by("name")
        # As on the account form: only the chosen parent is listed, others come from the search.
        raw = self.data.get("parent") if self.is_bound else account.parent_id
        chosen = (
            parent_field.queryset.filter(pk=int(raw)).values_list("pk", "name").first()
            if raw and str(raw).isdigit()
            else None
        )
        options = [chosen] if chosen else []
        parent_field.widget.choices = [("", parent_field.empty_label), *options]

    def clean_credit_code(self) -> str | None:
        value = self.cleaned_data.get("credit_code") or ""
        if not value.strip():
            return None
        return validate_credit_code(value)

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CORE_FIELDS}
