"""Merging a duplicate account into the one that stays (R-ACC-4: "keeping all history").

`account_merge` moves every row that points at the source — people, interactions, team
members, grade/owner histories, core-field verifications, child accounts, search documents,
earlier merge records and anything another app later hangs on an account — to the target with
one bulk UPDATE per table, fills the target's empty fields from the source, records the merge
(an `AccountMerge` row and a "合并" field change on the target) and deletes the source.

History decision: the source's field-change audit rows are re-pointed to the target (same
content type, object_id → target), so the target's "变更记录" shows the source's whole history
next to the "合并" entry; nothing is dropped.

The reads for the merge page (candidates, preview, merge records) live here too, beside the
rules they mirror.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, ForeignObjectRel, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.models import Account, AccountMerge, AccountTeamMember
from kam.accounts.names import account_name_normalize, key_rest
from kam.accounts.rules import account_can_edit, owner_scope_ids
from kam.accounts.selectors import accounts_similar_names
from kam.audit.models import FieldChange
from kam.audit.services import audit_record_changes, audit_snapshot
from kam.contacts.models import Contact
from kam.core.versioning import stale_record_error
from kam.interactions.models import Interaction
from kam.pools.services.protection import placement_refresh
from kam.search.models import DocumentKind, SearchDocument
from kam.search.services import search_index_account
from kam.users.models import User

# Target fields a merge fills from the source when the target's are empty.
FILL_FIELDS = ["credit_code", "website", "city", "purchase_scenario", "size", "parent"]
FILL_LABELS = {
    "credit_code": gettext_lazy("统一社会信用代码"),
    "website": gettext_lazy("网站"),
    "city": gettext_lazy("城市"),
    "purchase_scenario": gettext_lazy("采购场景"),
    "size": gettext_lazy("规模"),
    "parent": gettext_lazy("上级单位"),
    "description": gettext_lazy("客户概况（追加）"),
}
AUDITED_ON_MERGE = [*FILL_FIELDS, "description"]
MERGE_FIELD = "merge"
CANDIDATE_LIMIT = 20
ANCESTOR_LIMIT = 50


def account_merge_allowed(user: User, source: Account, target: Account) -> bool:
    """GM/admin, or someone who may edit both accounts."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.sees_everything:
        return True
    return account_can_edit(user, source) and account_can_edit(user, target)


def _ancestor_ids(account_id: int | None) -> list[int]:
    """The ids above `account_id` (its parent, the parent's parent …), nearest first."""
    found: list[int] = []
    current = account_id
    while current is not None and len(found) < ANCESTOR_LIMIT:
        current = Account.objects.filter(pk=current).values_list("parent_id", flat=True).first()
        if current is None or current in found or current == account_id:
            break  # the top, or a loop in bad data
        found.append(current)
    return found


def _check_shape(source: Account, target: Account) -> None:
    if source.pk == target.pk:
        raise ValidationError({"source": [_("不能把客户合并到它自己。")]})
    if source.pk in _ancestor_ids(target.pk):
        raise ValidationError(
            {"source": [_("目标客户是被合并客户的下级单位，合并会形成循环；请反向合并。")]}
        )


def _fills(source: Account, target: Account) -> dict[str, Any]:
    """Target fields that are empty and that the source can fill (parent: only without a cycle)."""
    fills: dict[str, Any] = {}
    for name in FILL_FIELDS:
        if name == "parent":
            # The source's parent must not be the target or sit below it (that would loop).
            if (
                target.parent_id is None
                and source.parent_id not in (None, target.pk)
                and target.pk not in _ancestor_ids(source.parent_id)
            ):
                fills["parent_id"] = source.parent_id
            continue
        if not getattr(target, name) and getattr(source, name):
            fills[name] = getattr(source, name)
    source_text = source.description.strip()
    if source_text and source_text not in target.description:
        fills["description"] = (
            f"{target.description.rstrip()}\n\n{source_text}" if target.description else source_text
        )
    return fills


def _later(first: Any, second: Any) -> Any:
    present = [value for value in (first, second) if value is not None]
    return max(present) if present else None


def _account_relations() -> list[ForeignObjectRel]:
    """Every foreign key pointing at Account (hidden ones too, e.g. search documents)."""
    return [
        relation
        for relation in Account._meta.get_fields(include_hidden=True)
        if isinstance(relation, ForeignObjectRel) and (relation.one_to_many or relation.one_to_one)
    ]


@transaction.atomic
def account_merge(
    *,
    source: Account,
    target: Account,
    reason: str,
    actor: User,
    source_version: int | None = None,
    target_version: int | None = None,
) -> Account:
    """Merge the duplicate `source` into `target`, keep all its history, delete `source`."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写合并原因。")]})
    _check_shape(source, target)
    if not account_merge_allowed(actor, source, target):
        raise PermissionDenied(_("只有能编辑两个客户的人（或总经理、管理员）可以合并。"))

    # Lock both rows, then decide on what is really there now.
    locked = {
        account.pk: account
        for account in Account.objects.select_for_update()
        .filter(pk__in=[source.pk, target.pk])
        .order_by("pk")  # always the same lock order: no deadlock between two merges
    }
    if source.pk not in locked or target.pk not in locked:
        raise stale_record_error()
    source, target = locked[source.pk], locked[target.pk]
    if (source_version is not None and source.version != source_version) or (
        target_version is not None and target.version != target_version
    ):
        raise stale_record_error()
    _check_shape(source, target)
    if not account_merge_allowed(actor, source, target):
        raise PermissionDenied(_("只有能编辑两个客户的人（或总经理、管理员）可以合并。"))

    moved: dict[str, int] = {}
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(Account)

    # Team members: the users the target does not have yet (nor its owner) move; the rest go
    # with the source.
    target_members = AccountTeamMember.objects.filter(account_id=target.pk).values("user_id")
    members = AccountTeamMember.objects.filter(account_id=source.pk).exclude(
        user_id__in=target_members
    )
    if target.owner_id is not None:
        members = members.exclude(user_id=target.owner_id)
    moved["members"] = members.update(account_id=target.pk)

    # The source's own search document goes; its people's and interactions' move below.
    SearchDocument.objects.filter(kind=DocumentKind.ACCOUNT, object_id=source.pk).delete()

    # Everything else pointing at the source: one UPDATE per table.
    labels = {
        (Contact, "account"): "contacts",
        (Interaction, "account"): "interactions",
        (Account, "parent"): "children",
    }
    for relation in _account_relations():
        model, field_name = relation.related_model, relation.field.name
        if model is AccountTeamMember:
            continue  # moved above; the users the target already has go with the source
        if relation.one_to_one:
            continue  # the source's own one-per-account rows (its pool placement) go with it
        rows = model._default_manager.filter(**{f"{field_name}_id": source.pk})
        updates: dict[str, Any] = {f"{field_name}_id": target.pk}
        if model is Account:
            updates["updated_at"] = now
        count = rows.update(**updates)
        key = labels.get((model, field_name))
        if key:
            moved[key] = count

    # The source's field history becomes part of the target's.
    moved["history"] = FieldChange.objects.filter(
        content_type=content_type, object_id=source.pk
    ).update(object_id=target.pk)

    # Fill the target's empty fields; its owner, grade, team and name stay.
    fills = _fills(source, target)
    if "credit_code" in fills:
        # Unique: the source gives up its code before the target takes it.
        Account.objects.filter(pk=source.pk).update(credit_code=None)
    before = audit_snapshot(target, AUDITED_ON_MERGE)
    changes: dict[str, Any] = {
        **fills,
        "last_activity_at": _later(target.last_activity_at, source.last_activity_at),
        "personnel_change_at": _later(target.personnel_change_at, source.personnel_change_at),
        "updated_at": now,
    }
    Account.objects.filter(pk=target.pk).update(version=F("version") + 1, **changes)
    for name, value in changes.items():
        setattr(target, name, value)
    target.version += 1
    if "parent_id" in fills:
        target.parent = Account.objects.filter(pk=fills["parent_id"]).first()
    audit_record_changes(instance=target, before=before, actor=actor)

    AccountMerge.objects.create(
        target=target,
        source_id=source.pk,
        source_name=source.name,
        source_credit_code=source.credit_code or "",
        reason=reason[:200],
        moved=moved,
        actor=actor,
    )
    FieldChange.objects.create(
        content_type=content_type,
        object_id=target.pk,
        field=MERGE_FIELD,
        field_label=_("合并"),
        old_value="",
        new_value=_("并入 %(name)s（原客户 ID：%(id)s）") % {"name": source.name, "id": source.pk},
        actor=actor,
    )
    Account.objects.filter(pk=source.pk).delete()
    # The source's follow-ups may extend the target's protection from the pool.
    placement_refresh(target)
    search_index_account(target)
    return target


# ---- reads for the merge page ------------------------------------------------------------------


def accounts_editable_by(user: User) -> QuerySet[Account]:
    """The accounts `user` may edit (the same rule as `account_can_edit`, as a filter)."""
    if not user.is_authenticated or not user.is_active:
        return Account.objects.none()
    if user.sees_everything:
        return Account.objects.all()
    return Account.objects.filter(owner_id__in=owner_scope_ids(user))


def account_merge_candidates(user: User, target: Account, text: str = "") -> list[Account]:
    """Duplicates `user` could merge into `target`: similar names first, then a name search."""
    editable = accounts_editable_by(user).exclude(pk=target.pk)
    similar_ids = [a.pk for a in accounts_similar_names(name=target.name, exclude_pk=target.pk)]
    found: list[Account] = list(
        editable.filter(pk__in=similar_ids)
        .select_related("owner")
        .order_by("name")[:CANDIDATE_LIMIT]
    )
    text = text.strip()
    if text:
        condition = Q(name__icontains=text) | Q(credit_code__icontains=text.upper())
        normalized = key_rest(account_name_normalize(text))
        if normalized:
            condition |= Q(name_normalized__contains=normalized)
        seen = {a.pk for a in found}
        found += [
            account
            for account in editable.filter(condition)
            .select_related("owner")
            .order_by("name")[:CANDIDATE_LIMIT]
            if account.pk not in seen
        ]
    return found


@dataclass
class MergePreview:
    contacts: int
    interactions: int
    children: int
    members: int
    fills: list[tuple[str, str]] = field(default_factory=list)


def account_merge_preview(source: Account, target: Account) -> MergePreview:
    """What a merge of `source` into `target` would move and fill."""
    target_members = AccountTeamMember.objects.filter(account_id=target.pk).values("user_id")
    members = AccountTeamMember.objects.filter(account_id=source.pk).exclude(
        user_id__in=target_members
    )
    if target.owner_id is not None:
        members = members.exclude(user_id=target.owner_id)
    fills = []
    for name, value in _fills(source, target).items():
        if name == "parent_id":
            fills.append((str(FILL_LABELS["parent"]), str(source.parent or "")))
        elif name == "description":
            fills.append((str(FILL_LABELS["description"]), source.description.strip()[:100]))
        else:
            display = getattr(source, f"get_{name}_display", None)
            fills.append((str(FILL_LABELS[name]), str(display() if display else value)))
    return MergePreview(
        contacts=Contact.objects.filter(account_id=source.pk).count(),
        interactions=Interaction.objects.filter(account_id=source.pk).count(),
        children=Account.objects.filter(parent_id=source.pk).count(),
        members=members.count(),
        fills=fills,
    )


def account_merges(account: Account) -> QuerySet[AccountMerge]:
    """The accounts merged into `account`, newest first."""
    return AccountMerge.objects.filter(target=account).select_related("actor")[:50]
