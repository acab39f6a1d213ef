"""Stage gates (TAS+, SPEC R-OPP-3): the one place that decides whether a move is allowed.

Each stage carries its exit gate as data — required fields, required checks (named functions
registered here by any app), required approval types, and manual attestations. Moving forward
from stage A to stage C checks the gates of A and of every stage in between, so a deal cannot
skip a step. Moving back, or to the lost stage, checks nothing; reopening a closed deal checks
every gate before the stage it reopens in.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.approvals.registry import approval_type_label
from kam.opportunities.enums import StageKind
from kam.opportunities.models import AttestationRecord, Opportunity, Stage, StageAttestation


@dataclass(frozen=True)
class GateCheck:
    code: str
    label: str | Promise
    test: Callable[[Opportunity], bool]


@dataclass(frozen=True)
class Missing:
    """One unmet requirement, in the form every channel (page, kanban, API) shows."""

    kind: str  # "field" | "check" | "attestation" | "approval"
    code: str
    label: str
    stage: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "code": self.code, "label": self.label, "stage": self.stage}

    def __str__(self) -> str:
        return f"{self.stage}：{self.label}"


_CHECKS: dict[str, GateCheck] = {}


def gate_check_register(
    code: str, label: str | Promise
) -> Callable[[Callable[[Opportunity], bool]], Callable[[Opportunity], bool]]:
    """Decorator: make a data-reading check available to every stage's gate configuration."""

    def register(test: Callable[[Opportunity], bool]) -> Callable[[Opportunity], bool]:
        _CHECKS[code] = GateCheck(code=code, label=label, test=test)
        return test

    return register


def gate_checks() -> list[GateCheck]:
    return sorted(_CHECKS.values(), key=lambda check: check.code)


def _has_lines(opportunity: Opportunity) -> bool:
    return opportunity.lines.exists()


def _has_competitors(opportunity: Opportunity) -> bool:
    return opportunity.competitors.exists()


# Fields a stage may require; list-like requirements ("at least one line") read the data.
GATE_FIELDS: dict[str, tuple[Promise, Callable[[Opportunity], bool]]] = {
    "expected_sign_date": (
        gettext_lazy("预计签约日期"),
        lambda o: o.expected_sign_date is not None,
    ),
    "intent_class": (gettext_lazy("意向分类"), lambda o: bool(o.intent_class)),
    "project_class": (gettext_lazy("项目分类"), lambda o: bool(o.project_class)),
    "customer_lead": (gettext_lazy("客户方牵头人"), lambda o: bool(o.customer_lead.strip())),
    "description": (gettext_lazy("项目概况"), lambda o: bool(o.description.strip())),
    "partner_name": (
        gettext_lazy("报备合作伙伴"),
        lambda o: o.project_class != "E" or bool(o.partner_name.strip()),
    ),
    "lines": (gettext_lazy("产品明细"), _has_lines),
    "competitors": (gettext_lazy("竞争对手"), _has_competitors),
}


def _approved(type_code: str, opportunity: Opportunity) -> bool:
    from kam.approvals.selectors import approval_approved_exists

    return approval_approved_exists(type_code=type_code, opportunity=opportunity)


def stages_to_pass(opportunity: Opportunity, to_stage: Stage) -> list[Stage]:
    """The stages whose exit gates a move to `to_stage` must satisfy, in order.

    Reopening a closed deal counts as starting again from the first stage: the gates of every
    open stage before the target must hold (or the reopening is a recorded bypass). Each stage
    comes with its attestations, each marked `attested` when the opportunity has it.
    """
    current = opportunity.stage
    if to_stage.kind == StageKind.LOST:
        return []
    if current.kind == StageKind.OPEN:
        if to_stage.kind == StageKind.OPEN and to_stage.order <= current.order:
            return []
        from_order = current.order
    else:
        from_order = 0
    return list(
        Stage.objects.filter(
            process_id=opportunity.process_id,
            kind=StageKind.OPEN,
            active=True,
            order__gte=from_order,
            order__lt=to_stage.order,
        )
        .prefetch_related(Prefetch("attestations", queryset=_marked_attestations(opportunity)))
        .order_by("order")
    )


def _marked_attestations(opportunity: Opportunity) -> QuerySet[StageAttestation]:
    records = AttestationRecord.objects.filter(opportunity=opportunity, attestation=OuterRef("pk"))
    return StageAttestation.objects.annotate(attested=Exists(records))


def _attested(opportunity: Opportunity, stages: list[Stage]) -> set[int]:
    """Which of the stages' attestations the opportunity has: read with the stages when they
    come from `stages_to_pass`, otherwise in one query (none when they have no attestations)."""
    attestations = [attestation for stage in stages for attestation in stage.attestations.all()]
    marks = [getattr(attestation, "attested", None) for attestation in attestations]
    if None not in marks:
        return {a.pk for a, attested in zip(attestations, marks, strict=True) if attested}
    ids = [attestation.pk for attestation in attestations]
    records = AttestationRecord.objects.filter(opportunity=opportunity, attestation_id__in=ids)
    return set(records.values_list("attestation_id", flat=True))


def stage_gate_missing(
    opportunity: Opportunity, stage: Stage, attested: set[int] | None = None
) -> list[Missing]:
    """What `opportunity` still lacks to leave `stage`. `attested` (the ticked attestations of
    this stage, or more) lets a caller checking several stages read them once."""
    name = stage.display_name
    missing: list[Missing] = []
    for field in stage.required_fields:
        label, satisfied = GATE_FIELDS.get(field, (field, None))
        if satisfied is None or not satisfied(opportunity):
            missing.append(Missing("field", field, str(label), name))
    for code in stage.required_checks:
        check = _CHECKS.get(code)
        if check is None:
            missing.append(Missing("check", code, _("未知检查项 %(code)s") % {"code": code}, name))
        elif not check.test(opportunity):
            missing.append(Missing("check", code, str(check.label), name))
    if attested is None:
        attested = _attested(opportunity, [stage])
    for attestation in stage.attestations.all():
        if attestation.pk not in attested:
            missing.append(Missing("attestation", str(attestation.pk), attestation.label, name))
    for type_code in stage.required_approvals:
        if not _approved(type_code, opportunity):
            missing.append(Missing("approval", type_code, approval_type_label(type_code), name))
    return missing


def gate_missing(opportunity: Opportunity, to_stage: Stage) -> list[Missing]:
    """Everything a move to `to_stage` lacks; empty when the move may go ahead."""
    stages = stages_to_pass(opportunity, to_stage)
    attested = _attested(opportunity, stages)
    missing: list[Missing] = []
    for stage in stages:
        missing.extend(stage_gate_missing(opportunity, stage, attested))
    return missing
