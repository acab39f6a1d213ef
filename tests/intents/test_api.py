from datetime import timedelta

from django.test import Client
from django.utils import timezone

from kam.intents.models import IntentThresholds
from kam.users.services import api_token_create
from tests.factories import AccountFactory, LeadFactory, OpportunityFactory
from tests.intents.conftest import change_add

BASE = "/api/intents"


class Api:
    def __init__(self, user):
        _token, key = api_token_create(user=user, name="t")
        self.client = Client()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def get(self, path, params=None):
        return self.client.get(f"{BASE}{path}", params or {}, **self.auth)

    def put(self, path, payload):
        return self.client.put(f"{BASE}{path}", payload, content_type="application/json",
                               **self.auth)  # fmt: skip


VALID = {"a_days": 5, "b_days": 10, "c_days": 20, "stale_a_days": 4, "quiet_team_working_days": 2}


def test_board_lists_reps_counts_and_a_list(manager, rep, other_rep, a_deal):
    a_deal.expected_sign_date = timezone.localdate() + timedelta(days=3)
    a_deal.save()
    OpportunityFactory(account=AccountFactory(owner=other_rep), intent_class="A")
    body = Api(manager).get("/board").json()
    assert [r["owner_id"] for r in body["reps"]] == [rep.pk]
    rep_row = body["reps"][0]
    assert rep_row["counts"] == {"A": 1, "B": 0, "C": 0}
    item = rep_row["a_list"][0]
    assert (item["id"], item["kind"], item["contradicts"]) == (a_deal.pk, "opportunity", False)


def test_board_team_filter_out_of_scope_returns_nothing(rep, other_rep, team_two, a_deal):
    OpportunityFactory(account=AccountFactory(owner=other_rep), intent_class="A")
    assert Api(rep).get("/board", {"team_id": team_two.pk}).json() == {"reps": []}


def test_history_endpoints_check_visibility(rep, other_rep, a_deal):
    change_add(subject=a_deal, from_class="B", to_class="A")
    lead = LeadFactory(owner=rep, intent_class="C")
    change_add(subject=lead, from_class="", to_class="C")
    body = Api(rep).get(f"/opportunities/{a_deal.pk}/history").json()
    assert body["intent_class"] == "A" and body["suggested"] == ""
    assert [(c["from_class"], c["to_class"]) for c in body["changes"]] == [("B", "A")]
    assert Api(rep).get(f"/leads/{lead.pk}/history").json()["changes"][0]["to_class"] == "C"
    other = Api(other_rep)
    assert other.get(f"/opportunities/{a_deal.pk}/history").status_code == 404
    assert other.get(f"/leads/{lead.pk}/history").status_code == 404


def test_thresholds_get_and_put(rep, gm):
    assert Api(rep).get("/thresholds").json()["a_days"] == 7
    assert Api(rep).put("/thresholds", VALID).status_code == 403
    response = Api(gm).put("/thresholds", VALID)
    assert response.status_code == 200 and response.json()["c_days"] == 20
    bad = Api(gm).put("/thresholds", {**VALID, "b_days": 30})
    assert bad.status_code == 422 and "c_days" in bad.json()["errors"]
    assert IntentThresholds.objects.get().b_days == 10
