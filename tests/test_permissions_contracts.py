"""Every role against every contract page and endpoint (SPEC R-SEC-1): the rep's line (rep,
manager, director) and GM/admin edit; finance reads every contract but changes none; everyone
else gets a 404 for the rep's contract and sees no trace of it in lists."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kam.contracts.models import Contract, ContractAttachment
from kam.contracts.services.attachments import contract_attachment_add
from tests.conftest import client_for
from tests.contracts.conftest import Api, make_contract, won_opportunity

pytestmark = pytest.mark.django_db

EDITORS = {"rep", "manager", "director", "gm", "admin_user"}
READERS = EDITORS | {"finance"}
ROLES = [
    "rep", "colleague", "manager", "other_rep", "other_manager", "director", "gm", "admin_user",
    "finance", "solution_manager",
]  # fmt: skip
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


@pytest.fixture
def setup(request, rep, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    contract = make_contract(rep)
    attachment = contract_attachment_add(
        contract=contract, actor=rep, upload=SimpleUploadedFile("a.pdf", PDF)
    )
    return contract, attachment


def _expected(role: str, allowed: int, read_only: int = 403) -> int:
    if role in EDITORS:
        return allowed
    return read_only if role in READERS else 404


@pytest.mark.parametrize("role", ROLES)
def test_pages(role, request, setup):
    contract, attachment = setup
    user = request.getfixturevalue(role)
    client = client_for(user)
    listed = client.get("/contracts/")
    assert listed.status_code == 200
    assert (contract.number in listed.content.decode()) == (role in READERS)
    assert client.get("/contracts/new/").status_code == 200
    # The new-contract form's account search offers only accounts the user may edit.
    found = client.get("/contracts/new/account-options/", {"account_search": contract.account.name})
    assert found.status_code == 200
    assert (f'value="{contract.account_id}"' in found.content.decode()) == (role in EDITORS)
    detail = client.get(f"/contracts/{contract.pk}/").status_code
    assert detail == (200 if role in READERS else 404)
    assert client.get(f"/contracts/{contract.pk}/edit/").status_code == _expected(role, 200)
    assert client.get(f"/contracts/{contract.pk}/plan/").status_code == _expected(role, 200)
    stale = {"version": 99}
    assert client.post(f"/contracts/{contract.pk}/submit/", stale).status_code == _expected(
        role, 422
    )
    delivery = client.post(f"/contracts/{contract.pk}/delivery/", {"d-version": 99, "d-on": "x"})
    assert delivery.status_code == _expected(role, 422)
    acceptance = client.post(f"/contracts/{contract.pk}/acceptance/", {"a-version": 0})
    assert acceptance.status_code == _expected(role, 422)
    complete = client.post(f"/contracts/{contract.pk}/complete/", stale)
    assert complete.status_code == _expected(role, 302)
    terminate = client.post(f"/contracts/{contract.pk}/terminate/", {**stale, "reason": "x"})
    assert terminate.status_code == _expected(role, 422)
    upload = client.post(f"/contracts/{contract.pk}/attachments/", {})
    assert upload.status_code == _expected(role, 422)
    download = client.get(f"/contracts/attachments/{attachment.pk}/")
    assert download.status_code == (200 if role in READERS else 404)
    removed = client.post(f"/contracts/attachments/{attachment.pk}/delete/")
    assert removed.status_code == _expected(role, 302)
    assert ContractAttachment.objects.exists() == (role not in EDITORS)
    contract.refresh_from_db()
    assert contract.status == "draft" and contract.name == "锅炉改造合同"


@pytest.mark.parametrize("role", ROLES)
def test_create_from_a_won_deal(role, request, rep):
    opportunity = won_opportunity(rep)
    user = request.getfixturevalue(role)
    response = client_for(user).post(f"/contracts/from-opportunity/{opportunity.pk}/")
    # Finance reads contracts, not the sales pipeline: the deal itself is out of its sight.
    assert response.status_code == (302 if role in EDITORS else 404)
    assert Contract.objects.exists() == (role in EDITORS)


@pytest.mark.parametrize("role", ROLES)
def test_api(role, request, setup):
    contract, _attachment = setup
    user = request.getfixturevalue(role)
    api = Api(user)
    items = api.get("/").json()["items"]
    assert [row["id"] for row in items] == ([contract.pk] if role in READERS else [])
    assert api.get(f"/{contract.pk}").status_code == (200 if role in READERS else 404)
    stale = {"version": 99}
    path = f"/{contract.pk}"
    assert api.send("patch", path, {**stale, "name": "x"}).status_code == _expected(role, 422)
    plan = api.send("put", f"{path}/plan", {**stale, "milestones": []})
    assert plan.status_code == _expected(role, 422)
    assert api.send("post", f"{path}/submit", stale).status_code == _expected(role, 422)
    event = {**stale, "on": "2026-01-01"}
    assert api.send("post", f"{path}/delivery", event).status_code == _expected(role, 422)
    assert api.send("post", f"{path}/acceptance", event).status_code == _expected(role, 422)
    assert api.send("post", f"{path}/complete", stale).status_code == _expected(role, 422)
    ended = api.send("post", f"{path}/terminate", {**stale, "reason": "x"})
    assert ended.status_code == _expected(role, 422)
    change = api.send("post", f"{path}/plan-change", {**stale, "milestones": [], "reason": "x"})
    assert change.status_code == _expected(role, 422)
    created = api.send(
        "post", "/", {"account_id": contract.account_id, "name": "新", "amount": "1.00"}
    )
    # An account the user cannot see is refused like an unknown one, by field.
    assert created.status_code == (201 if role in EDITORS else 422)
    contract.refresh_from_db()
    assert contract.status == "draft" and contract.name == "锅炉改造合同"
