"""Writes to sales processes and stages (R-OPP-2): admin/GM only, versioned, audited.

Invariants kept by every write: a process has exactly one WON and one LOST stage, at least one
active OPEN stage, and the WON/LOST stages come after every OPEN stage.
"""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.core.versioning import stale_record_error
from kam.opportunities.enums import StageKind
from kam.opportunities.models import SalesProcess, Stage
from kam.opportunities.rules import sales_process_manageable_by
from kam.users.models import User

PROCESS_FIELDS = ["code", "name_zh", "name_en", "description", "active"]
STAGE_FIELDS = ["name_zh", "name_en", "default_probability", "key_milestone_zh"]
ORDER_OFFSET = 100000


def _require_manager(actor: User) -> None:
    if not sales_process_manageable_by(actor):
        raise PermissionDenied(_("只有管理员和总经理可以配置销售流程。"))


def _required(data: dict[str, Any], keys: Sequence[str], errors: dict[str, list[str]]) -> None:
    for key in keys:
        if key in data:
            data[key] = (data[key] or "").strip()
            if not data[key]:
                errors[key] = [_("这个字段是必填项。")]


def _probability(value: Any, errors: dict[str, list[str]]) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        errors["default_probability"] = [_("赢率必须是 0 到 100 之间的整数。")]


def sales_process_check(process: SalesProcess) -> None:
    """Raise ValidationError unless the process's stages satisfy the invariants."""
    stages = list(Stage.objects.filter(process=process).order_by("order"))
    kinds = [s.kind for s in stages]
    if kinds.count(StageKind.WON) != 1 or kinds.count(StageKind.LOST) != 1:
        raise ValidationError({"stages": [_("每个流程必须恰好有一个赢单阶段和一个输单阶段。")]})
    if not any(s.kind == StageKind.OPEN and s.active for s in stages):
        raise ValidationError({"stages": [_("每个流程至少要有一个启用的进行中阶段。")]})
    first_closed = min(i for i, k in enumerate(kinds) if k != StageKind.OPEN)
    if any(k == StageKind.OPEN for k in kinds[first_closed:]):
        raise ValidationError({"stages": [_("赢单和输单阶段必须排在所有进行中阶段之后。")]})


def _renumber(process: SalesProcess, stage_ids: list[int]) -> None:
    """Give the stages orders 1..n in `stage_ids` order without ever breaking the unique
    (process, order) constraint: first move all out of the way, then to their places."""
    Stage.objects.filter(process=process).update(order=F("order") + ORDER_OFFSET)
    for position, stage_id in enumerate(stage_ids, start=1):
        Stage.objects.filter(pk=stage_id, process=process).update(order=position)


def _closed_last(stages: list[Stage]) -> list[int]:
    opened = [s.pk for s in stages if s.kind == StageKind.OPEN]
    won = [s.pk for s in stages if s.kind == StageKind.WON]
    lost = [s.pk for s in stages if s.kind == StageKind.LOST]
    return opened + won + lost


def _lock_process(process: SalesProcess) -> SalesProcess:
    return SalesProcess.objects.select_for_update().get(pk=process.pk)


DEFAULT_STAGES: list[tuple[str, str, str, int, str]] = [
    ("open", "进行中", "In progress", 10, ""),
    ("won", "赢单", "Won", 100, ""),
    ("lost", "输单", "Lost", 0, ""),
]


@transaction.atomic
def sales_process_create(
    *,
    code: str,
    name_zh: str,
    name_en: str = "",
    description: str = "",
    copy_from: SalesProcess | None = None,
    actor: User,
) -> SalesProcess:
    """A new process; its stages are copied from `copy_from`, or a minimal open/won/lost set."""
    _require_manager(actor)
    data = {"code": code, "name_zh": name_zh}
    errors: dict[str, list[str]] = {}
    _required(data, ["code", "name_zh"], errors)
    if data["code"] and SalesProcess.objects.filter(code=data["code"]).exists():
        errors["code"] = [_("该流程编码已存在。")]
    if errors:
        raise ValidationError(errors)
    process = SalesProcess.objects.create(
        code=data["code"], name_zh=data["name_zh"], name_en=name_en.strip(),
        description=description.strip(),
    )  # fmt: skip
    if copy_from is not None:
        rows = [
            Stage(
                process=process,
                code=s.code,
                name_zh=s.name_zh,
                name_en=s.name_en,
                order=s.order,
                default_probability=s.default_probability,
                kind=s.kind,
                key_milestone_zh=s.key_milestone_zh,
                active=s.active,
            )
            for s in Stage.objects.filter(process=copy_from).order_by("order")
        ]
    else:
        rows = [
            Stage(
                process=process,
                code=c,
                name_zh=zh,
                name_en=en,
                order=i,
                default_probability=p,
                kind=StageKind(c),
                key_milestone_zh=m,
            )
            for i, (c, zh, en, p, m) in enumerate(DEFAULT_STAGES, start=1)
        ]
    Stage.objects.bulk_create(rows)
    sales_process_check(process)
    audit_record_creation(instance=process, fields=PROCESS_FIELDS, actor=actor)
    return process


@transaction.atomic
def sales_process_update(
    *, process: SalesProcess, version: int, data: dict[str, Any], actor: User
) -> SalesProcess:
    """Change names/description/active based on `version`; a stale version changes nothing."""
    _require_manager(actor)
    changes = {k: v for k, v in data.items() if k in PROCESS_FIELDS and k != "code"}
    errors: dict[str, list[str]] = {}
    _required(changes, ["name_zh"], errors)
    for key in ("name_en", "description"):
        if key in changes:
            changes[key] = (changes[key] or "").strip()
    locked = _lock_process(process)
    if locked.version != version:
        raise stale_record_error(field="version")
    if changes.get("active") is False and locked.is_default:
        errors["active"] = [_("默认流程不能停用，请先把其他流程设为默认。")]
    if errors:
        raise ValidationError(errors)
    before = audit_snapshot(locked, list(changes))
    for key, value in changes.items():
        setattr(locked, key, value)
    locked.version = F("version") + 1
    locked.save(update_fields=[*changes, "version", "updated_at"])
    locked.refresh_from_db()
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


@transaction.atomic
def sales_process_set_default(*, process: SalesProcess, actor: User) -> SalesProcess:
    """Make `process` the one default; the previous default is cleared in the same transaction."""
    _require_manager(actor)
    locked = _lock_process(process)
    if not locked.active:
        raise ValidationError({"is_default": [_("停用的流程不能设为默认。")]})
    if locked.is_default:
        return locked
    for previous in SalesProcess.objects.select_for_update().filter(is_default=True):
        before = audit_snapshot(previous, ["is_default"])
        previous.is_default = False
        previous.version = F("version") + 1
        previous.save(update_fields=["is_default", "version", "updated_at"])
        previous.refresh_from_db()
        audit_record_changes(instance=previous, before=before, actor=actor)
    before = audit_snapshot(locked, ["is_default"])
    locked.is_default = True
    locked.version = F("version") + 1
    locked.save(update_fields=["is_default", "version", "updated_at"])
    locked.refresh_from_db()
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


@transaction.atomic
def stage_create(
    *,
    process: SalesProcess,
    code: str,
    name_zh: str,
    name_en: str = "",
    default_probability: int,
    key_milestone_zh: str = "",
    actor: User,
) -> Stage:
    """Add an OPEN stage after the last open stage (WON/LOST stay last)."""
    _require_manager(actor)
    locked = _lock_process(process)
    data = {"code": code, "name_zh": name_zh}
    errors: dict[str, list[str]] = {}
    _required(data, ["code", "name_zh"], errors)
    _probability(default_probability, errors)
    if data["code"] and Stage.objects.filter(process=locked, code=data["code"]).exists():
        errors["code"] = [_("该流程中已有这个阶段编码。")]
    if errors:
        raise ValidationError(errors)
    top = Stage.objects.filter(process=locked).aggregate(top=Max("order"))["top"] or 0
    stage = Stage.objects.create(
        process=locked, code=data["code"], name_zh=data["name_zh"], name_en=name_en.strip(),
        order=top + ORDER_OFFSET * 2, default_probability=default_probability,
        kind=StageKind.OPEN, key_milestone_zh=key_milestone_zh.strip(),
    )  # fmt: skip
    _renumber(locked, _closed_last(list(Stage.objects.filter(process=locked).order_by("order"))))
    sales_process_check(locked)
    stage.refresh_from_db()
    audit_record_creation(instance=stage, fields=["code", *STAGE_FIELDS], actor=actor)
    return stage


@transaction.atomic
def stage_update(*, stage: Stage, data: dict[str, Any], actor: User) -> Stage:
    _require_manager(actor)
    _lock_process(stage.process)
    changes = {k: v for k, v in data.items() if k in STAGE_FIELDS}
    errors: dict[str, list[str]] = {}
    _required(changes, ["name_zh"], errors)
    for key in ("name_en", "key_milestone_zh"):
        if key in changes:
            changes[key] = (changes[key] or "").strip()
    if "default_probability" in changes:
        _probability(changes["default_probability"], errors)
    if errors:
        raise ValidationError(errors)
    locked = Stage.objects.select_for_update().get(pk=stage.pk)
    before = audit_snapshot(locked, list(changes))
    for key, value in changes.items():
        setattr(locked, key, value)
    locked.save(update_fields=list(changes))
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


@transaction.atomic
def stages_reorder(*, process: SalesProcess, stage_ids: Sequence[int], actor: User) -> list[Stage]:
    """Put the process's stages in the order of `stage_ids` (all of them, each once);
    WON and LOST are always kept last."""
    _require_manager(actor)
    locked = _lock_process(process)
    stages = {s.pk: s for s in Stage.objects.filter(process=locked)}
    ids = list(stage_ids)
    if len(ids) != len(set(ids)) or set(ids) != set(stages):
        raise ValidationError({"stage_ids": [_("请提交该流程全部阶段的完整顺序。")]})
    before = {pk: audit_snapshot(s, ["order"]) for pk, s in stages.items()}
    _renumber(locked, _closed_last([stages[pk] for pk in ids]))
    sales_process_check(locked)
    result = list(Stage.objects.filter(process=locked).order_by("order"))
    for stage in result:
        audit_record_changes(instance=stage, before=before[stage.pk], actor=actor)
    return result


@transaction.atomic
def stage_move(*, stage: Stage, direction: str, actor: User) -> list[Stage]:
    """Swap an open stage with its open neighbour (the no-JS fallback of drag and drop)."""
    _require_manager(actor)
    ids = list(
        Stage.objects.filter(process=stage.process).order_by("order").values_list("pk", flat=True)
    )
    index = ids.index(stage.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(ids):
        ids[index], ids[target] = ids[target], ids[index]
    return stages_reorder(process=stage.process, stage_ids=ids, actor=actor)


@transaction.atomic
def stage_set_active(*, stage: Stage, active: bool, actor: User) -> Stage:
    """Deactivate (or reactivate) a stage; WON/LOST and the last open stage stay active."""
    _require_manager(actor)
    _lock_process(stage.process)
    locked = Stage.objects.select_for_update().get(pk=stage.pk)
    if locked.active == active:
        return locked
    if not active:
        if locked.kind != StageKind.OPEN:
            raise ValidationError({"active": [_("赢单和输单阶段不能停用。")]})
        others = Stage.objects.filter(process=locked.process, kind=StageKind.OPEN, active=True)
        if not others.exclude(pk=locked.pk).exists():
            raise ValidationError({"active": [_("流程中最后一个进行中阶段不能停用。")]})
    before = audit_snapshot(locked, ["active"])
    locked.active = active
    locked.save(update_fields=["active"])
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


def stage_deactivate(*, stage: Stage, actor: User) -> Stage:
    return stage_set_active(stage=stage, active=False, actor=actor)


def stage_activate(*, stage: Stage, actor: User) -> Stage:
    return stage_set_active(stage=stage, active=True, actor=actor)
