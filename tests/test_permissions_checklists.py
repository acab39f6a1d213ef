"""Every role against every checklist page and endpoint (SPEC R-SEC-1, R-COL-5): whoever may
edit the contract (the rep's line, GM, admin) ticks and files evidence; finance reads every
checklist but changes none; everyone else gets a 404 and sees no trace of it in the gaps list.
Only directors, GM and admin change the alert thresholds."""

import pytest

from kam.checklists.models import (
    ChecklistEvidence,
    ChecklistItem,
    ChecklistTemplate,
    CollectionAlertSettings,
)
from kam.checklists.services import checklist_evidence_add
from kam.contracts.enums import MilestoneKind
from tests.checklists.conftest import Api, make_signed, pdf
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

EDITORS = {"rep", "manager", "director", "gm", "admin_user"}
READERS = EDITORS | {"finance"}
SETTINGS_EDITORS = {"director", "gm", "admin_user"}
ROLES = [
    "rep", "colleague", "manager", "other_rep", "other_manager", "director", "gm", "admin_user",
    "finance", "solution_manager",
]  # fmt: skip


@pytest.fixture
def setup(rep, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    contract = make_signed(rep, [5], kinds=[MilestoneKind.DELIVERY])
    item = ChecklistItem.objects.get(label="到货清点")
    evidence = checklist_evidence_add(
        item=ChecklistItem.objects.get(label="到货签收单"), actor=rep, upload=pdf()
    )
    return contract, item, evidence


def _expected(role: str, allowed: int, read_only: int = 403) -> int:
    if role in EDITORS:
        return allowed
    return read_only if role in READERS else 404


@pytest.mark.parametrize("role", ROLES)
def test_pages(role, request, setup):
    contract, item, evidence = setup
    client = client_for(request.getfixturevalue(role))
    gaps = client.get("/checklists/gaps/")
    assert gaps.status_code == 200
    assert (contract.number in gaps.content.decode()) == (role in READERS)
    page = client.get(f"/checklists/contract/{contract.pk}/")
    assert page.status_code == (200 if role in READERS else 404)
    tick = client.post(f"/checklists/items/{item.pk}/tick/", {"note": "x"})
    assert tick.status_code == _expected(role, 302)
    item.refresh_from_db()
    assert (item.done_at is not None) == (role in EDITORS)
    untick = client.post(f"/checklists/items/{item.pk}/untick/")
    assert untick.status_code == _expected(role, 302)
    upload = client.post(f"/checklists/items/{item.pk}/evidence/", {})
    assert upload.status_code == _expected(role, 422)
    download = client.get(f"/checklists/evidence/{evidence.pk}/")
    assert download.status_code == (200 if role in READERS else 404)
    removed = client.post(f"/checklists/evidence/{evidence.pk}/delete/")
    assert removed.status_code == _expected(role, 302)
    assert ChecklistEvidence.objects.exists() == (role not in EDITORS)


@pytest.mark.parametrize("role", ROLES)
def test_alert_settings(role, request, db):
    client = client_for(request.getfixturevalue(role))
    assert client.get("/checklists/settings/").status_code == 200
    saved = client.post(
        "/checklists/settings/",
        {"warn_days": 3, "escalate_manager_days": 10, "escalate_director_days": 20},
    )
    assert saved.status_code == (302 if role in SETTINGS_EDITORS else 403)
    assert CollectionAlertSettings.objects.filter(warn_days=3).exists() == (
        role in SETTINGS_EDITORS
    )


@pytest.mark.parametrize("role", ROLES)
def test_templates(role, request, db):
    client = client_for(request.getfixturevalue(role))
    listed = client.get("/checklists/templates/")
    assert listed.status_code == 200 and "到货签收单" in listed.content.decode()
    template = ChecklistTemplate.objects.get(label="到货签收单")
    allowed = role in SETTINGS_EDITORS
    assert client.get("/checklists/templates/new/").status_code == (200 if allowed else 403)
    edit = client.get(f"/checklists/templates/{template.pk}/")
    assert edit.status_code == (200 if allowed else 403)
    created = client.post(
        "/checklists/templates/new/",
        {"category": "li", "label": "开箱验货", "lead_days": 3, "position": 1, "active": "on"},
    )
    assert created.status_code == (302 if allowed else 403)
    assert ChecklistTemplate.objects.filter(label="开箱验货").exists() == allowed


@pytest.mark.parametrize("role", ROLES)
def test_api(role, request, setup):
    contract, item, _evidence = setup
    api = Api(request.getfixturevalue(role))
    got = api.get(f"/contracts/{contract.pk}")
    assert got.status_code == (200 if role in READERS else 404)
    if role in READERS:
        assert got.json()["can_edit"] == (role in EDITORS)
    assert api.post(f"/items/{item.pk}/tick", {"note": ""}).status_code == _expected(role, 200)
    assert api.post(f"/items/{item.pk}/untick", {}).status_code == _expected(role, 200)
    gaps = api.get("/gaps", {"within_days": 30}).json()["items"]
    assert [row["contract_id"] for row in gaps] == ([contract.pk] if role in READERS else [])
