"""Configuring pools and their recall rules (directors, the GM and admins). A change of rules
re-derives the deadlines of the pool's accounts in a job, so an owner sees the new deadline
at once on small pools and within moments on large ones."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kam.accounts.enums import PROVINCES, Grade, Industry
from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.core.jobs import enqueue_after_commit
from kam.core.versioning import lock_at_version, save_bumped
from kam.pools.enums import RecallTrigger
from kam.pools.models import Pool, RecallRule
from kam.pools.rules import pool_can_configure
from kam.users.models import Team, User

# Re-derives the pool's protection deadlines after its rules change.
REDERIVE_JOB = "kam.pools.tasks.pool_placements_rederive"
POOL_FIELDS = [
    "name", "description", "industries", "provinces", "priority", "active", "protection_days",
    "warn_days", "max_owned", "max_claims_per_day", "reclaim_lockout_days",
]  # fmt: skip


def _require_configurer(actor: User) -> None:
    if not pool_can_configure(actor):
        raise PermissionDenied(_("只有销售总监、总经理和管理员可以配置公海。"))


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    unknown = set(data) - set(POOL_FIELDS)
    if unknown:
        raise ValueError(f"not settable: {sorted(unknown)}")
    name = str(data.get("name", "")).strip()
    if "name" in data and not name:
        errors["name"] = [_("请填写公海名称。")]
    bad_industries = set(data.get("industries", [])) - set(Industry.values)
    if bad_industries:
        errors["industries"] = [_("无效的行业：%(v)s") % {"v": "、".join(sorted(bad_industries))}]
    bad_provinces = set(data.get("provinces", [])) - set(PROVINCES)
    if bad_provinces:
        errors["provinces"] = [_("无效的省份：%(v)s") % {"v": "、".join(sorted(bad_provinces))}]
    for field, low in (
        ("protection_days", 1), ("max_owned", 1), ("max_claims_per_day", 1), ("warn_days", 0),
        ("reclaim_lockout_days", 0), ("priority", 0),
    ):  # fmt: skip
        if field in data:
            value = data[field]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 3650:
                errors[field] = [_("请输入 %(low)s 到 3650 之间的整数。") % {"low": low}]
    if errors:
        raise ValidationError(errors)
    clean = dict(data)
    if "name" in clean:
        clean["name"] = name
    return clean


@transaction.atomic
def pool_create(*, actor: User, data: dict[str, Any], teams: Iterable[Team] = ()) -> Pool:
    _require_configurer(actor)
    clean = _clean(data)
    if not clean.get("name"):
        raise ValidationError({"name": [_("请填写公海名称。")]})
    try:
        with transaction.atomic():
            pool = Pool.objects.create(**clean)
    except IntegrityError:
        raise ValidationError({"name": [_("已有同名公海。")]}) from None
    pool.teams.set(list(teams))
    audit_record_creation(instance=pool, fields=POOL_FIELDS, actor=actor)
    return pool


@transaction.atomic
def pool_update(
    *,
    pool: Pool,
    actor: User,
    version: int,
    changes: dict[str, Any],
    teams: Iterable[Team] | None = None,
) -> Pool:
    _require_configurer(actor)
    clean = _clean(changes)
    if pool.is_default and clean.get("active") is False:
        raise ValidationError({"active": [_("默认公海不能停用。")]})
    locked = lock_at_version(Pool.objects.all(), pk=pool.pk, version=version)
    before = audit_snapshot(locked, list(clean))
    for field, value in clean.items():
        setattr(locked, field, value)
    try:
        with transaction.atomic():
            save_bumped(locked, list(clean))
    except IntegrityError:
        raise ValidationError({"name": [_("已有同名公海。")]}) from None
    if teams is not None:
        locked.teams.set(list(teams))
    audit_record_changes(instance=locked, before=before, actor=actor)
    if {"protection_days"} & set(clean):
        enqueue_after_commit(REDERIVE_JOB, locked.pk)
    return locked


@transaction.atomic
def pool_rules_replace(
    *, pool: Pool, actor: User, rules: Sequence[tuple[str, str, int]]
) -> list[RecallRule]:
    """The pool's recall rules become exactly `rules` (grade, trigger, days)."""
    _require_configurer(actor)
    errors: list[str] = []
    seen: set[tuple[str, str]] = set()
    for row, (grade, trigger, days) in enumerate(rules, start=1):
        if grade not in Grade.values or trigger not in RecallTrigger.values:
            errors.append(_("第 %(row)s 条：分级或回收条件无效。") % {"row": row})
        elif (grade, trigger) in seen:
            errors.append(_("第 %(row)s 条：与前面的规则重复。") % {"row": row})
        elif isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650:
            errors.append(_("第 %(row)s 条：天数应在 1 到 3650 之间。") % {"row": row})
        seen.add((grade, trigger))
    if errors:
        raise ValidationError({"rules": errors})
    # Two configurers saving rules at once: the second waits and its set wins whole.
    list(Pool.objects.select_for_update().filter(pk=pool.pk).values_list("pk", flat=True))
    RecallRule.objects.filter(pool=pool).delete()
    created = RecallRule.objects.bulk_create(
        [RecallRule(pool=pool, grade=g, trigger=t, days=d) for g, t, d in rules]
    )
    enqueue_after_commit(REDERIVE_JOB, pool.pk)
    return created
