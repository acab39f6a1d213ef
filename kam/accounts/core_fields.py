"""Core fields of an account (R-ACC-5): their checks, shared by edits and change requests."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kam.accounts.enums import CoreField, Level
from kam.accounts.models import Account
from kam.accounts.validators import validate_credit_code

CORE_FIELDS = [CoreField.NAME.value, CoreField.CREDIT_CODE.value, CoreField.PARENT.value,
               CoreField.LEVEL.value]  # fmt: skip


def duplicate_credit_code_check(code: str | None, exclude_pk: int | None) -> None:
    if not code:
        return
    existing = Account.objects.filter(credit_code=code)
    if exclude_pk is not None:
        existing = existing.exclude(pk=exclude_pk)
    found = existing.values_list("pk", flat=True).first()
    if found is not None:
        raise ValidationError(
            {
                "credit_code": [
                    ValidationError(
                        _("该统一社会信用代码已存在于系统中（客户 ID：%(account_id)s）。"),
                        code="duplicate_credit_code",
                        params={"account_id": found},
                    )
                ]
            }
        )


def parent_cycle_check(account: Account | None, parent: Account | None) -> None:
    """Refuse a parent that is the account itself or one of its descendants."""
    if parent is None or account is None or account.pk is None:
        return
    current: int | None = parent.pk
    seen: set[int] = set()
    while current is not None and current not in seen:
        if current == account.pk:
            raise ValidationError(
                {"parent": [_("上级单位不能是本客户或其下级单位，否则会形成循环。")]}
            )
        seen.add(current)
        current = Account.objects.filter(pk=current).values_list("parent_id", flat=True).first()


def core_fields_changed(account: Account, changes: dict[str, Any]) -> list[str]:
    """The core fields whose value `changes` would really change."""
    changed = []
    if "name" in changes and (changes["name"] or "").strip() != account.name:
        changed.append("name")
    if "credit_code" in changes and (changes["credit_code"] or None) != account.credit_code:
        changed.append("credit_code")
    if "parent" in changes:
        parent = changes["parent"]
        if (parent.pk if parent is not None else None) != account.parent_id:
            changed.append("parent")
    if "level" in changes and changes["level"] != account.level:
        changed.append("level")
    return changed


def account_core_values_clean(account: Account, raw: dict[str, Any]) -> dict[str, Any]:
    """Check proposed core values as an edit would (credit-code checksum and duplicates, parent
    cycle, level); returns them as model values (parent as an Account)."""
    unknown = set(raw) - set(CORE_FIELDS)
    if unknown:
        raise ValueError(f"not core fields: {sorted(unknown)}")
    values: dict[str, Any] = {}
    if "name" in raw:
        name = str(raw["name"] or "").strip()
        if not name:
            raise ValidationError({"name": [_("请填写客户名称。")]})
        if len(name) > 200:
            raise ValidationError({"name": [_("客户名称不能超过 200 个字符。")]})
        values["name"] = name
    if "credit_code" in raw:
        code = str(raw["credit_code"] or "").strip()
        try:
            values["credit_code"] = validate_credit_code(code) if code else None
        except ValidationError as error:
            raise ValidationError({"credit_code": error.messages}) from error
        if values["credit_code"] != account.credit_code:
            duplicate_credit_code_check(values["credit_code"], account.pk)
    if "parent" in raw:
        parent = raw["parent"]
        if parent is not None and not isinstance(parent, Account):
            parent = Account.objects.filter(pk=parent).first()
            if parent is None:
                raise ValidationError({"parent": [_("上级单位不存在。")]})
        if parent is not None and parent.pk != account.parent_id:
            parent_cycle_check(account, parent)
        values["parent"] = parent
    if "level" in raw:
        if raw["level"] not in Level.values:
            raise ValidationError({"level": [_("无效的客户层级。")]})
        values["level"] = raw["level"]
    return values


def core_display(field: str, value: Any) -> str:
    if field == CoreField.PARENT:
        return value.name if value is not None else ""
    if field == CoreField.LEVEL:
        return str(Level(value).label) if value else ""
    return str(value or "")


def core_field_value(account: Account, field: str) -> str:
    if field == CoreField.PARENT:
        return account.parent.name if account.parent_id and account.parent else ""
    if field == CoreField.LEVEL:
        return account.get_level_display()
    return str(getattr(account, field) or "")
