"""Writes for accounts: one service per state change, each audited and re-indexed in the same
transaction (R-ACC-1..5, R-SEC-2)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.core_fields import (
    account_core_values_clean,
    core_display,
    core_field_value,
    core_fields_changed,
    duplicate_credit_code_check,
    parent_cycle_check,
)
from kam.accounts.enums import CoreField, Grade, VerificationMethod
from kam.accounts.models import (
    Account,
    AccountTeamMember,
    CoreFieldVerification,
    GradeChange,
    OwnerChange,
)
from kam.accounts.names import account_name_normalize
from kam.accounts.rules import account_can_edit, owner_scope_ids
from kam.accounts.selectors import accounts_similar_names
from kam.approvals.models import Approval
from kam.approvals.services import approval_submit
from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.core.versioning import stale_record_error
from kam.pools.services.claims import placement_owner_changed
from kam.pools.services.protection import placement_refresh
from kam.search.services import search_index_account
from kam.users.models import User

# What a create or an edit may set; grade and owner have their own services and history.
ACCOUNT_FIELDS = [
    "name", "credit_code", "industry", "province", "city", "level", "parent", "website", "size",
    "status", "purchase_scenario", "description",
]  # fmt: skip
AUDITED_FIELDS = [*ACCOUNT_FIELDS, "grade", "owner", "team"]
# R-ACC-5: an existing account's core fields change only through an approved request.
CORE_CHANGE_TYPE = "account_core_change"
CORE_CHANGE_MESSAGE = gettext_lazy("核心信息修改需要审批，请提交修改申请。")


def _similar_names(name: str, exclude_pk: int | None, confirmed: bool) -> None:
    if confirmed:
        return
    similar = accounts_similar_names(name=name, exclude_pk=exclude_pk)
    if similar:
        raise ValidationError(
            {
                "confirm_not_duplicate": [
                    ValidationError(
                        _("已存在名称相近的客户，请确认不是同一客户后再保存。"),
                        code="similar_name",
                        params={"account_ids": ",".join(str(a.pk) for a in similar)},
                    )
                ]
            }
        )


def _check_owner_change(*, account: Account, owner: User | None, actor: User) -> None:
    if not account_owner_changeable_by(actor, account):
        raise PermissionDenied(_("只有客户经理的上级、总经理或管理员可以变更客户经理。"))
    if owner is not None and not owner.is_active:
        raise ValidationError({"owner": [_("该用户已停用。")]})


def account_owner_changeable_by(user: User, account: Account) -> bool:
    """The owner's managers (up the chain), the GM and admins reassign an account."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.sees_everything:
        return True
    return (
        account.owner_id is not None
        and account.owner_id != user.pk
        and account.owner_id in owner_scope_ids(user)
    )


@transaction.atomic
def account_create(
    *,
    actor: User,
    name: str,
    industry: str,
    province: str,
    level: str,
    owner: User | None,
    credit_code: str | None = None,
    city: str = "",
    parent: Account | None = None,
    website: str = "",
    size: str = "",
    status: str = "",
    grade: str = Grade.C,
    purchase_scenario: str = "",
    description: str = "",
    confirm_not_duplicate: bool = False,
) -> Account:
    credit_code = credit_code or None
    duplicate_credit_code_check(credit_code, None)
    _similar_names(name, None, confirm_not_duplicate)
    account = Account(
        name=name.strip(),
        name_normalized=account_name_normalize(name),
        credit_code=credit_code,
        industry=industry,
        province=province,
        city=city,
        level=level,
        parent=parent,
        website=website,
        size=size,
        grade=grade or Grade.C,
        purchase_scenario=purchase_scenario,
        description=description,
        owner=owner,
        team=owner.team if owner is not None else None,
        created_by=actor,
    )
    if status:
        account.status = status
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:
        # Someone saved the same credit code between our check and our insert.
        duplicate_credit_code_check(credit_code, None)
        raise
    audit_record_creation(instance=account, fields=AUDITED_FIELDS, actor=actor)
    GradeChange.objects.create(
        account=account, from_grade="", to_grade=account.grade, reason=_("新建客户"), actor=actor
    )
    OwnerChange.objects.create(
        account=account, from_owner=None, to_owner=owner, reason=_("新建客户"), actor=actor
    )
    search_index_account(account)
    placement_refresh(account, claimed_at=account.created_at if owner is not None else None)
    return account


def _apply_versioned(account: Account, version: int, fields: dict[str, Any]) -> None:
    """Write `fields` only if nobody saved the account since `version` was read."""
    fields = {**fields, "updated_at": timezone.now()}
    try:
        with transaction.atomic():
            updated = Account.objects.filter(pk=account.pk, version=version).update(
                version=F("version") + 1, **fields
            )
    except IntegrityError:
        duplicate_credit_code_check(fields.get("credit_code"), account.pk)
        raise
    if updated != 1:
        raise stale_record_error()
    for name, value in fields.items():
        setattr(account, name, value)
    account.version = version + 1


@transaction.atomic
def account_update(
    *,
    account: Account,
    actor: User,
    version: int,
    changes: dict[str, Any],
    confirm_not_duplicate: bool = False,
) -> Account:
    """Edit account fields; `grade` and `owner` in `changes` also write their history rows.

    Core fields (name, credit code, parent, level) may be sent unchanged but not changed: that
    goes through `account_core_change_request` and its approval (R-ACC-5)."""
    unknown = set(changes) - {*ACCOUNT_FIELDS, "grade", "owner"}
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if not account_can_edit(actor, account):
        raise PermissionDenied
    changed_core = core_fields_changed(account, changes)
    if changed_core:
        raise ValidationError(
            {
                field: [ValidationError(CORE_CHANGE_MESSAGE, code="core_change_needs_approval")]
                for field in changed_core
            }
        )
    return _account_write(
        account=account, actor=actor, version=version, changes=changes,
        confirm_not_duplicate=confirm_not_duplicate,
    )  # fmt: skip


def _account_write(
    *,
    account: Account,
    actor: User,
    version: int,
    changes: dict[str, Any],
    confirm_not_duplicate: bool,
) -> Account:
    """The one write of account fields: checks, versioned save, audit, history, search."""
    changes = dict(changes)
    if "credit_code" in changes:
        changes["credit_code"] = changes["credit_code"] or None
        if changes["credit_code"] != account.credit_code:
            duplicate_credit_code_check(changes["credit_code"], account.pk)
    if "name" in changes:
        changes["name"] = changes["name"].strip()
        if account_name_normalize(changes["name"]) != account.name_normalized:
            _similar_names(changes["name"], account.pk, confirm_not_duplicate)
        changes["name_normalized"] = account_name_normalize(changes["name"])
    if "parent" in changes and changes["parent"] != account.parent:
        parent_cycle_check(account, changes["parent"])
    old_grade, old_owner = account.grade, account.owner
    if "owner" in changes and changes["owner"] != old_owner:
        _check_owner_change(account=account, owner=changes["owner"], actor=actor)
        changes["team"] = changes["owner"].team if changes["owner"] is not None else None
    else:
        changes.pop("owner", None)

    before = audit_snapshot(account, AUDITED_FIELDS)
    _apply_versioned(account, version, changes)
    audit_record_changes(instance=account, before=before, actor=actor)
    reason = _("编辑客户信息")
    if account.grade != old_grade:
        GradeChange.objects.create(
            account=account,
            from_grade=old_grade,
            to_grade=account.grade,
            reason=reason,
            actor=actor,
        )
    if account.owner_id != (old_owner.pk if old_owner else None):
        OwnerChange.objects.create(
            account=account, from_owner=old_owner, to_owner=account.owner, reason=reason,
            actor=actor,
        )  # fmt: skip
    search_index_account(account)
    _placement_after_write(account, old_owner.pk if old_owner else None, actor, reason)
    return account


def _placement_after_write(
    account: Account, from_owner_id: int | None, actor: User, reason: str
) -> None:
    """Grade, status and owner all feed the pool's protection deadline (R-POOL-1)."""
    if account.owner_id != from_owner_id:
        placement_owner_changed(
            account=account, from_owner_id=from_owner_id, actor=actor, reason=reason
        )
    else:
        placement_refresh(account)


@transaction.atomic
def account_change_grade(
    *, account: Account, grade: str, reason: str, actor: User, version: int | None = None
) -> Account:
    if not account_can_edit(actor, account):
        raise PermissionDenied
    if grade not in Grade.values:
        raise ValidationError({"grade": [_("无效的客户分级。")]})
    if grade == account.grade:
        raise ValidationError({"grade": [_("新分级与当前分级相同。")]})
    old_grade = account.grade
    before = audit_snapshot(account, ["grade"])
    _apply_versioned(account, account.version if version is None else version, {"grade": grade})
    audit_record_changes(instance=account, before=before, actor=actor)
    GradeChange.objects.create(
        account=account, from_grade=old_grade, to_grade=grade, reason=reason, actor=actor
    )
    placement_refresh(account)
    return account


@transaction.atomic
def account_change_owner(
    *, account: Account, owner: User | None, reason: str, actor: User, version: int | None = None
) -> Account:
    """Reassign the account; the new owner's team becomes the account's team."""
    _check_owner_change(account=account, owner=owner, actor=actor)
    if (owner.pk if owner else None) == account.owner_id:
        raise ValidationError({"owner": [_("新客户经理与当前客户经理相同。")]})
    old_owner = account.owner
    before = audit_snapshot(account, ["owner", "team"])
    _apply_versioned(
        account,
        account.version if version is None else version,
        {"owner": owner, "team": owner.team if owner is not None else None},
    )
    audit_record_changes(instance=account, before=before, actor=actor)
    OwnerChange.objects.create(
        account=account, from_owner=old_owner, to_owner=owner, reason=reason, actor=actor
    )
    placement_owner_changed(
        account=account, from_owner_id=old_owner.pk if old_owner else None, actor=actor,
        reason=reason,
    )  # fmt: skip
    return account


@transaction.atomic
def account_core_change_request(
    *, account: Account, actor: User, changes: dict[str, Any], reason: str
) -> Approval:
    """Ask for a change of core fields (R-ACC-5); it is applied when the approval passes."""
    if not account_can_edit(actor, account):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请说明修改原因。")]})
    values = account_core_values_clean(account, changes)
    changed = {f: v for f, v in values.items() if f in core_fields_changed(account, values)}
    if not changed:
        raise ValidationError(_("没有需要修改的核心信息。"), code="no_change")
    current = {"name": account.name, "credit_code": account.credit_code,
               "parent": account.parent, "level": account.level}  # fmt: skip
    payload = {
        "changes": {f: (v.pk if isinstance(v, Account) else v) for f, v in changed.items()},
        "display": {
            f: [core_display(f, current[f]), core_display(f, v)] for f, v in changed.items()
        },
        "reason": reason,
    }
    return approval_submit(
        type_code=CORE_CHANGE_TYPE,
        requester=actor,
        title=_("客户核心信息修改：%(name)s") % {"name": account.name},
        subject=account,
        account=account,
        payload=payload,
    )


@transaction.atomic
def account_core_change_apply(*, account: Account, changes: dict[str, Any], actor: User) -> None:
    """Apply an approved core change (called from the approval's apply): re-checked against the
    account as it is now, written through the audited path, and recorded as verified."""
    locked = Account.objects.select_for_update().get(pk=account.pk)
    values = account_core_values_clean(locked, changes)
    changed = core_fields_changed(locked, values)
    if not changed:
        return
    _account_write(
        account=locked, actor=actor, version=locked.version,
        changes={f: values[f] for f in changed}, confirm_not_duplicate=True,
    )  # fmt: skip
    for field in changed:
        value = core_field_value(locked, field)
        if value:
            CoreFieldVerification.objects.create(
                account=locked, field=field, value=value[:200],
                method=VerificationMethod.APPROVAL, note=_("核心信息修改审批通过"),
                verified_by=actor,
            )  # fmt: skip


@transaction.atomic
def account_verify_core_field(
    *, account: Account, field: str, method: str, note: str, actor: User
) -> CoreFieldVerification:
    """Record who verified a core field (R-ACC-5), how, and the value they saw."""
    if not account_can_edit(actor, account):
        raise PermissionDenied
    if field not in CoreField.values:
        raise ValidationError({"field": [_("不是核心字段。")]})
    value = core_field_value(account, field)
    if not value:
        raise ValidationError({"field": [_("该字段为空，无法核实。")]})
    return CoreFieldVerification.objects.create(
        account=account, field=field, value=value[:200], method=method, note=note,
        verified_by=actor,
    )  # fmt: skip


@transaction.atomic
def account_add_team_member(
    *, account: Account, user: User, role: str, actor: User
) -> AccountTeamMember:
    if not account_can_edit(actor, account):
        raise PermissionDenied
    if user.pk == account.owner_id:
        raise ValidationError({"user": [_("客户经理本人无需加入客户团队。")]})
    if AccountTeamMember.objects.filter(account=account, user=user).exists():
        raise ValidationError({"user": [_("该成员已在客户团队中。")]})
    return AccountTeamMember.objects.create(account=account, user=user, role=role)


@transaction.atomic
def account_remove_team_member(*, member: AccountTeamMember, actor: User) -> None:
    if not account_can_edit(actor, member.account):
        raise PermissionDenied
    member.delete()


@transaction.atomic
def account_clear_personnel_flag(*, account: Account, actor: User) -> Account:
    """The key-person change has been dealt with (trust rebuilt): clear the banner."""
    if not account_can_edit(actor, account):
        raise PermissionDenied
    if account.personnel_change_at is None:
        return account
    before = audit_snapshot(account, ["personnel_change_at"])
    Account.objects.filter(pk=account.pk).update(personnel_change_at=None)
    account.personnel_change_at = None
    audit_record_changes(instance=account, before=before, actor=actor)
    return account
