"""Writes to a stage's exit gate (SPEC R-OPP-3): which fields, checks and approvals it requires,
and its manual attestations. Admin/GM only; every code is checked against its registry so a
gate can never name a requirement nobody can satisfy."""

from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kam.audit.models import FieldChange
from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.opportunities.enums import TeamRole
from kam.opportunities.gates import GATE_FIELDS, gate_checks
from kam.opportunities.models import SalesProcess, Stage, StageAttestation
from kam.opportunities.rules import sales_process_manageable_by
from kam.users.models import User

GATE_ATTRIBUTES = ["required_fields", "required_checks", "required_approvals", "team_roles"]


def _require_manager(actor: User) -> None:
    if not sales_process_manageable_by(actor):
        raise PermissionDenied(_("只有管理员和总经理可以配置销售流程。"))


def _approval_codes() -> set[str]:
    # Imported here: the approval engine is a separate app that registers its types late.
    from kam.approvals.registry import approval_types

    return {t.code for t in approval_types()}


def _unique(codes: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(str(code).strip() for code in codes if str(code).strip()))


def _unknown(field: str, codes: list[str], known: set[str], errors: dict[str, list[str]]) -> None:
    unknown = [code for code in codes if code not in known]
    if unknown:
        errors[field] = [_("未知的选项：%(codes)s") % {"codes": "、".join(unknown)}]


@transaction.atomic
def stage_gate_update(
    *,
    stage: Stage,
    actor: User,
    required_fields: Sequence[str],
    required_checks: Sequence[str],
    required_approvals: Sequence[str],
    team_roles: Sequence[str] = (),
) -> Stage:
    """Replace the stage's required fields, checks and approvals and the team roles it expects;
    every code must be known."""
    _require_manager(actor)
    fields = _unique(required_fields)
    checks = _unique(required_checks)
    approvals = _unique(required_approvals)
    roles = _unique(team_roles)
    errors: dict[str, list[str]] = {}
    _unknown("team_roles", roles, set(TeamRole.values), errors)
    _unknown("required_fields", fields, set(GATE_FIELDS), errors)
    _unknown("required_checks", checks, {check.code for check in gate_checks()}, errors)
    _unknown("required_approvals", approvals, _approval_codes(), errors)
    if errors:
        raise ValidationError(errors)
    # Lock the process, as the other stage writes do, so gate edits queue behind reorders.
    SalesProcess.objects.select_for_update().get(pk=stage.process_id)
    locked = Stage.objects.select_for_update().get(pk=stage.pk)
    if locked.is_closed:
        raise ValidationError(_("赢单和输单阶段没有出口关卡。"))
    before = audit_snapshot(locked, GATE_ATTRIBUTES)
    locked.required_fields = fields
    locked.required_checks = checks
    locked.required_approvals = approvals
    locked.team_roles = roles
    locked.save(update_fields=GATE_ATTRIBUTES)
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


@transaction.atomic
def stage_attestation_add(
    *, stage: Stage, actor: User, label_zh: str, label_en: str = "", role: str
) -> StageAttestation:
    """A manual required action on the stage's gate, ticked by whoever holds `role` on a deal."""
    _require_manager(actor)
    errors: dict[str, list[str]] = {}
    label_zh = (label_zh or "").strip()
    label_en = (label_en or "").strip()
    if not label_zh:
        errors["label_zh"] = [_("这个字段是必填项。")]
    elif len(label_zh) > 100:
        errors["label_zh"] = [_("最多 100 个字符。")]
    if len(label_en) > 100:
        errors["label_en"] = [_("最多 100 个字符。")]
    if role not in TeamRole.values:
        errors["role"] = [_("请选择有效的角色。")]
    if errors:
        raise ValidationError(errors)
    if stage.is_closed:
        raise ValidationError(_("赢单和输单阶段没有出口关卡。"))
    attestation = StageAttestation.objects.create(
        stage=stage, label_zh=label_zh, label_en=label_en, role=role
    )
    audit_record_creation(
        instance=attestation, fields=["label_zh", "label_en", "role"], actor=actor
    )
    return attestation


@transaction.atomic
def stage_attestation_remove(*, attestation: StageAttestation, actor: User) -> None:
    """Remove a manual required action; ticks already given for it go with it."""
    _require_manager(actor)
    label = attestation.label_zh
    stage = attestation.stage
    attestation.delete()
    # The attestation row is gone, so its removal is logged on the stage it belonged to.
    FieldChange.objects.create(
        content_type=ContentType.objects.get_for_model(Stage),
        object_id=stage.pk,
        field="attestations",
        field_label=str(StageAttestation._meta.verbose_name),
        old_value=label,
        new_value="",
        actor=actor,
    )
