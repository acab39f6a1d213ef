"""/api/delivery: list, add, edit with version, sign-off, remove and coverage."""

import pytest
from django.utils import timezone

from kam.delivery.models import DeliveryChainMember
from tests.delivery.conftest import Api, member, person
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _base(contract):
    return f"/contracts/{contract.pk}"


def test_add_list_edit_signoff_remove(rep, contract):
    api = Api(rep)
    someone = person(contract, "钱财务", title="财务部长", closeness=3)
    milestone = contract.milestones.order_by("position").first()
    created = api.send(
        "post",
        f"{_base(contract)}/chain",
        {"contact_id": someone.pk, "delivery_role": "finance", "milestone_ids": [milestone.pk]},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["contact_name"] == "钱财务" and body["stance"] == "unknown"
    assert body["scores"] == {"closeness": 3, "solution_acceptance": 4, "price_acceptance": 4}
    assert body["milestone_ids"] == [milestone.pk] and body["version"] == 0
    items = api.get(f"{_base(contract)}/chain").json()["items"]
    assert [item["id"] for item in items] == [body["id"]]
    path = f"{_base(contract)}/chain/{body['id']}"
    edited = api.send("patch", path, {"version": 0, "stance": "supporter", "milestone_ids": []})
    assert edited.status_code == 200
    assert edited.json()["stance"] == "supporter" and edited.json()["milestone_ids"] == []
    stale = api.send("patch", path, {"version": 0, "stance": "opponent"})
    assert stale.status_code == 422 and "version" in stale.json()["errors"]
    today = timezone.localdate().isoformat()
    signed = api.send("post", f"{path}/sign-off", {"version": 1, "status": "signed", "on": today})
    assert signed.status_code == 200 and signed.json()["signoff_on"] == today
    undated = api.send("post", f"{path}/sign-off", {"version": 2, "status": "refused"})
    assert undated.status_code == 422 and "on" in undated.json()["errors"]
    assert api.send("delete", path).status_code == 204
    assert not DeliveryChainMember.objects.exists()


def test_add_refusals_name_the_payload_field(rep, contract):
    api = Api(rep)
    stranger = ContactFactory(name="外人")
    foreign = api.send(
        "post", f"{_base(contract)}/chain", {"contact_id": stranger.pk, "delivery_role": "finance"}
    )
    assert foreign.status_code == 422 and "contact_id" in foreign.json()["errors"]
    someone = person(contract, "甲")
    member(contract, someone, rep)
    duplicate = api.send(
        "post", f"{_base(contract)}/chain", {"contact_id": someone.pk, "delivery_role": "quality"}
    )
    assert duplicate.status_code == 422 and "contact_id" in duplicate.json()["errors"]
    bad_milestone = api.send(
        "post",
        f"{_base(contract)}/chain",
        {"contact_id": person(contract, "乙").pk, "delivery_role": "quality", "milestone_ids": [0]},
    )
    assert bad_milestone.status_code == 422 and "milestone_ids" in bad_milestone.json()["errors"]
    assert DeliveryChainMember.objects.count() == 1


def test_coverage(rep, contract):
    against = member(contract, person(contract, "甲", price_acceptance=1), rep, "finance",
                     stance="opponent")  # fmt: skip
    candidate = person(contract, "乙", title="质检科长")
    body = Api(rep).get(f"{_base(contract)}/coverage").json()
    assert [role["code"] for role in body["uncovered"]] == [
        "supply_chain", "quality", "user_department", "signatory",
    ]  # fmt: skip
    assert body["opposing_ids"] == [against.pk] and body["low_score_ids"] == [against.pk]
    assert body["members"] == 1 and body["signed"] == 0
    assert body["suggestions"] == [
        {"contact_id": candidate.pk, "contact_name": "乙", "contact_title": "质检科长",
         "role": "quality"},
    ]  # fmt: skip


def test_finance_sees_coverage_but_no_suggestions(rep, finance, contract):
    person(contract, "乙", title="质检科长")
    body = Api(finance).get(f"{_base(contract)}/coverage").json()
    assert body["members"] == 0 and body["suggestions"] == []


@pytest.mark.parametrize("count", [1, 3])
def test_list_query_count_is_flat(rep, contract, count, django_assert_num_queries):
    for n in range(count):
        member(contract, person(contract, f"人{n}"), rep, "finance")
    api = Api(rep)
    api.get(f"{_base(contract)}/chain")
    with django_assert_num_queries(5):
        assert len(api.get(f"{_base(contract)}/chain").json()["items"]) == count
