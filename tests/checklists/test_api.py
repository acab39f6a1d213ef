"""/api/checklists: the contract's checklist, tick and untick, and the gaps list."""

import pytest

from kam.checklists.models import ChecklistEvent, ChecklistItem
from kam.contracts.enums import MilestoneKind
from tests.checklists.conftest import Api, make_signed

pytestmark = pytest.mark.django_db


def test_the_contract_checklist(rep):
    contract = make_signed(rep, [5, None], kinds=[MilestoneKind.DELIVERY])
    body = Api(rep).get(f"/contracts/{contract.pk}").json()
    assert body["can_edit"] is True and len(body["milestones"]) == 2
    first = body["milestones"][0]
    assert first["outstanding"] == "100.00" and first["due_date"]
    labels = {item["label"]: item for item in first["items"]}
    assert labels["到货签收单"]["needs_evidence"] and not labels["到货签收单"]["complete"]
    assert body["milestones"][1]["items"][0]["lead_on"] is None


def test_tick_and_untick(rep):
    contract = make_signed(rep, [5], kinds=[MilestoneKind.DELIVERY])
    api = Api(rep)
    api.get(f"/contracts/{contract.pk}")
    item = ChecklistItem.objects.get(label="到货签收单")
    ticked = api.post(f"/items/{item.pk}/tick", {"note": "原件在档案室"}).json()
    assert ticked["done_at"] and ticked["done_by_id"] == rep.pk
    assert ticked["complete"] is False  # still no evidence
    refused = api.post(f"/items/{item.pk}/untick", {"note": "x" * 201})
    assert refused.status_code == 422 and "note" in refused.json()["errors"]
    unticked = api.post(f"/items/{item.pk}/untick", {"note": "签收单缺页"}).json()
    assert unticked["done_at"] is None
    assert ChecklistEvent.objects.filter(item=item).count() == 2


def test_gaps(rep, other_rep):
    mine = make_signed(rep, [-1, 5, 40])
    make_signed(other_rep, [5])
    body = Api(rep).get("/gaps", {"within_days": 14, "limit": 1}).json()
    assert [row["contract_id"] for row in body["items"]] == [mine.pk]
    assert body["items"][0]["days_overdue"] == 1 and body["next_offset"] == 1
    rest = Api(rep).get("/gaps", {"within_days": 14, "offset": 1}).json()
    assert len(rest["items"]) == 1 and rest["next_offset"] is None
    assert Api(rep).get("/gaps", {"within_days": 999}).status_code == 422
