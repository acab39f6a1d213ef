"""Gate configuration on the sales-process page (SPEC R-OPP-3): a stage's required fields,
checks and approvals, and its manual attestations. Admin/GM only (the services check too)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.core.http import AuthenticatedHttpRequest
from kam.opportunities.enums import TeamRole
from kam.opportunities.forms import AttestationForm, GateForm
from kam.opportunities.gates import GATE_FIELDS, gate_checks
from kam.opportunities.models import SalesProcess, Stage, StageAttestation
from kam.opportunities.rules import sales_process_manageable_by
from kam.opportunities.selectors import sales_process_get, stage_get
from kam.opportunities.services.gate_config import (
    stage_attestation_add,
    stage_attestation_remove,
    stage_gate_update,
)


def gate_choices() -> dict[str, list[tuple[str, str]]]:
    """The registries, as (code, label) choices; approvals are imported late (own app)."""
    from kam.approvals.registry import approval_types

    return {
        "fields": [(code, str(label)) for code, (label, _test) in GATE_FIELDS.items()],
        "checks": [(check.code, str(check.label)) for check in gate_checks()],
        "approvals": sorted(((t.code, str(t.label)) for t in approval_types()), key=lambda c: c[0]),
    }


def gate_form(stage: Stage, data: Any = None) -> GateForm:
    return GateForm(
        data, initial=GateForm.initial_for(stage), prefix=f"gate-{stage.pk}", **gate_choices()
    )


def gate_context(
    stages: list[Stage],
    *,
    bound: dict[int, GateForm] | None = None,
    attestation_forms: dict[int, AttestationForm] | None = None,
) -> dict[str, Any]:
    """What the process page shows of each stage's gate: a summary for everyone and, for those
    who manage processes, the forms; open stages only, in order."""
    choices = gate_choices()
    labels = {kind: dict(pairs) for kind, pairs in choices.items()}
    attestations: dict[int, list[StageAttestation]] = {s.pk: [] for s in stages}
    for attestation in StageAttestation.objects.filter(stage__in=stages).order_by("pk"):
        attestations[attestation.stage_id].append(attestation)
    gates = []
    for stage in stages:
        if stage.is_closed:
            continue  # won and lost are where deals end; they have no exit gate
        gates.append(
            {
                "stage": stage,
                "fields": [labels["fields"].get(c, c) for c in stage.required_fields],
                "checks": [labels["checks"].get(c, c) for c in stage.required_checks],
                "approvals": [labels["approvals"].get(c, c) for c in stage.required_approvals],
                "team_roles": [TeamRole(r).label for r in stage.team_roles if r in TeamRole.values],
                "attestations": attestations[stage.pk],
                "form": (bound or {}).get(stage.pk) or gate_form(stage),
                "attestation_form": (attestation_forms or {}).get(stage.pk)
                or AttestationForm(prefix=f"attest-{stage.pk}"),
            }
        )
    return {"gates": gates}


def _managed_stage(request: AuthenticatedHttpRequest, pk: int, stage_pk: int) -> Stage:
    process = sales_process_get(pk)
    if not sales_process_manageable_by(request.user):
        raise PermissionDenied
    return stage_get(process, stage_pk)


def _render(request: AuthenticatedHttpRequest, process: SalesProcess, **forms: Any) -> HttpResponse:
    # The process page owns its rendering; imported here because it imports this module.
    from kam.opportunities.views.processes import _detail

    return _detail(request, process, status=422, gate_forms=forms)


@require_POST
def gate_edit(request: AuthenticatedHttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    stage = _managed_stage(request, pk, stage_pk)
    form = gate_form(stage, request.POST)
    if form.is_valid():
        try:
            stage_gate_update(stage=stage, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("阶段关卡已保存。"))
            return redirect(stage.process)
    return _render(request, stage.process, bound={stage.pk: form})


@require_POST
def attestation_add(request: AuthenticatedHttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    stage = _managed_stage(request, pk, stage_pk)
    form = AttestationForm(request.POST, prefix=f"attest-{stage.pk}")
    if form.is_valid():
        try:
            stage_attestation_add(stage=stage, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("人工确认项已添加。"))
            return redirect(stage.process)
    return _render(request, stage.process, attestation_forms={stage.pk: form})


@require_POST
def attestation_remove(
    request: AuthenticatedHttpRequest, pk: int, stage_pk: int, attestation_pk: int
) -> HttpResponse:
    stage = _managed_stage(request, pk, stage_pk)
    attestation = get_object_or_404(
        StageAttestation.objects.select_related("stage"), pk=attestation_pk, stage=stage
    )
    stage_attestation_remove(attestation=attestation, actor=request.user)
    messages.success(request, _("人工确认项已删除。"))
    return redirect(stage.process)


def _errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
