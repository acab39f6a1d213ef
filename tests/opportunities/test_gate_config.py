"""Gate configuration on the sales-process page (SPEC R-OPP-3)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kam.approvals.registry import approval_types
from kam.audit.models import FieldChange
from kam.opportunities.models import StageAttestation
from kam.opportunities.services.gate_config import (
    stage_attestation_add,
    stage_attestation_remove,
    stage_gate_update,
)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def approval_code():
    codes = [t.code for t in approval_types()]
    assert codes, "the approval engine registers its types in ready()"
    return codes[0]


def test_gate_update_saves_and_audits(admin_user, gated_process, approval_code):
    _process, stages = gated_process
    stage = stage_gate_update(
        stage=stages["bid"], actor=admin_user, required_fields=["customer_lead", "lines"],
        required_checks=["lines_present", "lines_present"], required_approvals=[approval_code],
    )  # fmt: skip
    assert stage.required_fields == ["customer_lead", "lines"]
    assert stage.required_checks == ["lines_present"]
    assert stage.required_approvals == [approval_code]
    changed = set(FieldChange.objects.filter(object_id=stage.pk).values_list("field", flat=True))
    assert {"required_fields", "required_checks", "required_approvals"} <= changed


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("required_fields", {"required_fields": ["nope"]}),
        ("required_checks", {"required_checks": ["no_such_check"]}),
        ("required_approvals", {"required_approvals": ["no_such_approval"]}),
    ],
)
def test_unknown_codes_are_refused_by_field(admin_user, gated_process, field, kwargs):
    _process, stages = gated_process
    arguments = {"required_fields": [], "required_checks": [], "required_approvals": [], **kwargs}
    with pytest.raises(ValidationError) as error:
        stage_gate_update(stage=stages["bid"], actor=admin_user, **arguments)
    assert list(error.value.message_dict) == [field]
    stages["bid"].refresh_from_db()
    assert stages["bid"].required_fields == []


def test_only_admin_and_gm_configure_gates(rep, manager, gm, gated_process):
    _process, stages = gated_process
    for user in (rep, manager):
        with pytest.raises(PermissionDenied):
            stage_gate_update(stage=stages["bid"], actor=user, required_fields=[],
                              required_checks=[], required_approvals=[])  # fmt: skip
    stage_gate_update(stage=stages["bid"], actor=gm, required_fields=["description"],
                      required_checks=[], required_approvals=[])  # fmt: skip


def test_closed_stages_have_no_gate(admin_user, gated_process):
    _process, stages = gated_process
    with pytest.raises(ValidationError):
        stage_gate_update(stage=stages["won"], actor=admin_user, required_fields=["lines"],
                          required_checks=[], required_approvals=[])  # fmt: skip


def test_attestation_add_and_remove(admin_user, gated_process):
    _process, stages = gated_process
    with pytest.raises(ValidationError) as error:
        stage_attestation_add(stage=stages["bid"], actor=admin_user, label_zh="", role="boss")
    assert set(error.value.message_dict) == {"label_zh", "role"}
    attestation = stage_attestation_add(
        stage=stages["bid"], actor=admin_user, label_zh="交付评审", label_en="Delivery review",
        role="delivery_manager",
    )  # fmt: skip
    stage_attestation_remove(attestation=attestation, actor=admin_user)
    assert not StageAttestation.objects.filter(stage=stages["bid"]).exists()
    removal = FieldChange.objects.get(field="attestations", object_id=stages["bid"].pk)
    assert removal.old_value == "交付评审" and removal.actor == admin_user


def _gate_url(process, stage):
    return reverse("opportunities:stage_gate", args=[process.pk, stage.pk])


def test_gate_page_shows_summary_to_all_and_forms_to_admin(rep, admin_user, gated_process):
    process, _stages = gated_process
    page = reverse("opportunities:process", args=[process.pk])
    rep_html = client_for(rep).get(page).content.decode()
    assert 'data-testid="gate-lead"' in rep_html and "预计签约日期" in rep_html
    assert 'data-testid="gate-edit-lead"' not in rep_html
    assert 'data-testid="gate-won"' not in rep_html
    admin_html = client_for(admin_user).get(page).content.decode()
    assert 'data-testid="gate-edit-lead"' in admin_html
    assert "已录入产品明细" in admin_html  # check labels offered as checkboxes


def test_gate_form_post(rep, admin_user, gated_process):
    process, stages = gated_process
    prefix = f"gate-{stages['bid'].pk}"
    data = {f"{prefix}-required_fields": ["lines"], f"{prefix}-required_checks": ["guide_exists"]}
    assert client_for(rep).post(_gate_url(process, stages["bid"]), data).status_code == 403
    response = client_for(admin_user).post(_gate_url(process, stages["bid"]), data)
    assert response.status_code == 302
    stages["bid"].refresh_from_db()
    assert stages["bid"].required_fields == ["lines"]
    assert stages["bid"].required_checks == ["guide_exists"]
    bad = {f"{prefix}-required_fields": ["nope"]}
    response = client_for(admin_user).post(_gate_url(process, stages["bid"]), bad)
    assert response.status_code == 422


def test_attestation_pages(rep, admin_user, gated_process):
    process, stages = gated_process
    add = reverse("opportunities:stage_attestation_add", args=[process.pk, stages["bid"].pk])
    prefix = f"attest-{stages['bid'].pk}"
    data = {f"{prefix}-label_zh": "商务评审", f"{prefix}-role": "account_manager"}
    assert client_for(rep).post(add, data).status_code == 403
    assert client_for(admin_user).post(add, data).status_code == 302
    attestation = StageAttestation.objects.get(stage=stages["bid"])
    remove = reverse(
        "opportunities:stage_attestation_remove",
        args=[process.pk, stages["bid"].pk, attestation.pk],
    )
    assert client_for(rep).post(remove).status_code == 403
    assert client_for(admin_user).post(remove).status_code == 302
    assert not StageAttestation.objects.filter(stage=stages["bid"]).exists()
