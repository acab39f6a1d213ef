"""/api/contracts: the pages' services and visibility; money as strings, floats refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kam.approvals.models import Approval
from kam.contracts.enums import ContractStatus
from kam.contracts.models import Contract
from kam.core.versioning import STALE_MESSAGE
from tests.contracts.conftest import Api, make_contract, plan_template, won_opportunity
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

TEMPLATE_ROWS = [
    {"kind": "down_payment", "trigger": "signing", "percent": "30"},
    {"kind": "delivery", "trigger": "delivery", "percent": "40", "due_days": 10},
    {"kind": "acceptance", "trigger": "acceptance", "percent": "25"},
    {"kind": "warranty", "trigger": "warranty_end", "percent": "5"},
]


def test_list_and_get_follow_visibility(rep, other_rep, contract):
    theirs = make_contract(other_rep, "别队")
    api = Api(rep)
    body = api.get("/").json()
    assert [row["id"] for row in body["items"]] == [contract.pk]
    assert body["items"][0]["amount"] == "100000.00" and body["next_offset"] is None
    assert api.get(f"/{contract.pk}").json()["milestones"] == []
    assert api.get(f"/{theirs.pk}").status_code == 404
    assert api.send("patch", f"/{theirs.pk}", {"version": 0, "name": "x"}).status_code == 404


def test_list_filters_and_paging(rep):
    for n in range(3):
        make_contract(rep, f"合同{n}")
    api = Api(rep)
    page = api.get("/", {"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_offset"] == 2
    assert api.get("/", {"status": "signed"}).json()["items"] == []


@pytest.mark.parametrize("count", [1, 3])
def test_list_query_count_is_flat(rep, count, django_assert_num_queries):
    for n in range(count):
        make_contract(rep, f"合同{n}")
    api = Api(rep)
    with django_assert_num_queries(4):
        assert len(api.get("/").json()["items"]) == count


def test_create_by_hand_and_from_opportunity(rep, other_rep):
    api = Api(rep)
    account = AccountFactory(owner=rep)
    created = api.send("post", "/", {"account_id": account.pk, "name": "手工", "amount": "88.80"})
    assert created.status_code == 201 and created.json()["amount"] == "88.80"
    floats = api.send("post", "/", {"account_id": account.pk, "name": "x", "amount": 88.8})
    assert floats.status_code == 422 and "amount" in floats.json()["errors"]
    theirs = AccountFactory(owner=other_rep)
    hidden = api.send("post", "/", {"account_id": theirs.pk, "name": "x", "amount": "1"})
    assert hidden.status_code == 422 and "account_id" in hidden.json()["errors"]
    opportunity = won_opportunity(rep)
    from_deal = api.send("post", "/", {"opportunity_id": opportunity.pk})
    assert from_deal.status_code == 201 and from_deal.json()["opportunity_id"] == opportunity.pk
    assert Contract.objects.count() == 2


def test_patch_plan_submit_and_stale_version(rep, contract):
    api = Api(rep)
    patched = api.send("patch", f"/{contract.pk}", {"version": contract.version, "name": "新名"})
    assert patched.status_code == 200 and patched.json()["name"] == "新名"
    stale = api.send("patch", f"/{contract.pk}", {"version": contract.version, "name": "旧"})
    assert stale.status_code == 422 and str(STALE_MESSAGE) in str(stale.json()["errors"])
    version = patched.json()["version"]
    short = api.send(
        "put", f"/{contract.pk}/plan", {"version": version, "milestones": TEMPLATE_ROWS[:3]}
    )
    assert short.status_code == 422
    assert "相差 5,000.00 元" in short.json()["errors"]["milestones"][0]
    floats = [{**TEMPLATE_ROWS[0], "amount": 30000.0, "percent": None}, *TEMPLATE_ROWS[1:]]
    assert (
        api.send(
            "put", f"/{contract.pk}/plan", {"version": version, "milestones": floats}
        ).status_code
        == 422
    )
    saved = api.send(
        "put", f"/{contract.pk}/plan", {"version": version, "milestones": TEMPLATE_ROWS}
    )
    assert saved.status_code == 200
    assert [m["amount"] for m in saved.json()["milestones"]] == [
        "30000.00", "40000.00", "25000.00", "5000.00",
    ]  # fmt: skip
    submitted = api.send("post", f"/{contract.pk}/submit", {"version": saved.json()["version"]})
    assert submitted.status_code == 201
    assert Approval.objects.get(pk=submitted.json()["approval_id"]).type_code == "contract"
    contract.refresh_from_db()
    assert contract.status == ContractStatus.IN_APPROVAL


def test_events_and_plan_change(rep, signed):
    api = Api(rep)
    on = (timezone.localdate() - timedelta(days=2)).isoformat()
    delivered = api.send("post", f"/{signed.pk}/delivery", {"version": signed.version, "on": on})
    assert delivered.status_code == 200 and delivered.json()["status"] == "executing"
    version = delivered.json()["version"]
    accepted = api.send("post", f"/{signed.pk}/acceptance", {"version": version, "on": on})
    assert accepted.status_code == 200
    due = {m["kind"]: m["due_date"] for m in accepted.json()["milestones"]}
    assert due["acceptance"] == on and due["warranty"] is not None
    change = api.send(
        "post",
        f"/{signed.pk}/plan-change",
        {"version": accepted.json()["version"], "milestones": TEMPLATE_ROWS, "reason": "调整"},
    )
    assert change.status_code == 201 and change.json()["status"] == "pending"


def test_finance_reads_but_cannot_write(rep, colleague, finance, contract):
    plan_template(contract, rep)
    assert Api(colleague).get(f"/{contract.pk}").status_code == 404
    api = Api(finance)
    assert api.get(f"/{contract.pk}").status_code == 200
    patch = api.send("patch", f"/{contract.pk}", {"version": contract.version, "name": "x"})
    assert patch.status_code == 403
    submit = api.send("post", f"/{contract.pk}/submit", {"version": contract.version})
    assert submit.status_code == 403
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT
