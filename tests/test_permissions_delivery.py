"""Every role against every delivery-chain page and endpoint (SPEC R-SEC-1): the contract's
editors (rep, manager, director, GM, admin) keep the chain; finance reads it but changes
nothing; everyone else gets a 404, as for the contract itself."""

import pytest

from kam.delivery.models import DeliveryChainMember
from tests.conftest import client_for
from tests.delivery.conftest import Api, member, person, planned_contract

pytestmark = pytest.mark.django_db

EDITORS = {"rep", "manager", "director", "gm", "admin_user"}
READERS = EDITORS | {"finance"}
ROLES = [
    "rep", "colleague", "manager", "other_rep", "other_manager", "director", "gm", "admin_user",
    "finance", "solution_manager",
]  # fmt: skip


@pytest.fixture
def setup(rep):
    contract = planned_contract(rep)
    added = member(contract, person(contract, "钱财务"), rep, "finance", support_plan="对账")
    return contract, added


def _expected(role: str, allowed: int, read_only: int = 403) -> int:
    if role in EDITORS:
        return allowed
    return read_only if role in READERS else 404


def _unchanged(added: DeliveryChainMember) -> None:
    added.refresh_from_db()
    assert added.version == 0 and added.support_plan == "对账"


@pytest.mark.parametrize("role", ROLES)
def test_pages(role, request, setup):
    contract, added = setup
    client = client_for(request.getfixturevalue(role))
    base = f"/delivery/contract/{contract.pk}/"
    page = client.get(base)
    assert page.status_code == (200 if role in READERS else 404)
    assert ("钱财务" in page.content.decode()) == (role in READERS)
    invalid = {"contact": "", "delivery_role": "x"}
    assert client.post(f"{base}add/", invalid).status_code == _expected(role, 200)
    assert client.get(f"{base}{added.pk}/edit/").status_code == _expected(role, 200)
    stale = {"delivery_role": "quality", "stance": "unknown", "version": 99}
    assert client.post(f"{base}{added.pk}/edit/", stale).status_code == _expected(role, 200)
    assert client.get(f"{base}{added.pk}/sign-off/").status_code == _expected(role, 200)
    stale_signoff = {"signoff_status": "pending", "version": 99}
    signoff = client.post(f"{base}{added.pk}/sign-off/", stale_signoff)
    assert signoff.status_code == _expected(role, 200)
    _unchanged(added)
    assert client.post(f"{base}{added.pk}/remove/").status_code == _expected(role, 302)
    assert DeliveryChainMember.objects.exists() == (role not in EDITORS)


@pytest.mark.parametrize("role", ROLES)
def test_api(role, request, setup):
    contract, added = setup
    api = Api(request.getfixturevalue(role))
    base = f"/contracts/{contract.pk}"
    listed = api.get(f"{base}/chain")
    assert listed.status_code == (200 if role in READERS else 404)
    assert api.get(f"{base}/coverage").status_code == (200 if role in READERS else 404)
    invalid = {"contact_id": person(contract, "乙").pk, "delivery_role": "x"}
    assert api.send("post", f"{base}/chain", invalid).status_code == _expected(role, 422)
    path = f"{base}/chain/{added.pk}"
    stale = {"version": 99, "stance": "opponent"}
    assert api.send("patch", path, stale).status_code == _expected(role, 422)
    signoff = api.send("post", f"{path}/sign-off", {"version": 99, "status": "pending"})
    assert signoff.status_code == _expected(role, 422)
    _unchanged(added)
    assert api.send("delete", path).status_code == _expected(role, 204)
    assert DeliveryChainMember.objects.exists() == (role not in EDITORS)
