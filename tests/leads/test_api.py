"""/api/leads: same services and visibility as the pages."""

import pytest
from django.test import Client

from kam.core.versioning import STALE_MESSAGE
from kam.leads.models import Lead
from kam.opportunities.models import Opportunity
from kam.users.services import api_token_create
from tests.factories import LeadFactory, LeadFollowUpFactory
from tests.leads.conftest import NEW_ACCOUNT

BASE = "/api/leads"


class Api:
    def __init__(self, user):
        _token, key = api_token_create(user=user, name="t")
        self.client = Client()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def get(self, path, params=None):
        return self.client.get(f"{BASE}{path}", params or {}, **self.auth)

    def send(self, method, path, payload=None):
        call = getattr(self.client, method)
        return call(f"{BASE}{path}", payload or {}, content_type="application/json", **self.auth)


def test_list_and_get_follow_visibility(rep, other_rep, rep_lead):
    theirs = LeadFactory(owner=other_rep)
    api = Api(rep)
    body = api.get("/").json()
    assert [row["id"] for row in body["items"]] == [rep_lead.pk]
    assert body["items"][0]["budget"] == "unknown" and body["next_offset"] is None
    assert api.get(f"/{rep_lead.pk}").json()["company_name"] == rep_lead.company_name
    assert api.get(f"/{theirs.pk}").status_code == 404
    assert api.send("patch", f"/{theirs.pk}", {"version": 0, "phone": "1"}).status_code == 404


def test_list_paginates_and_filters(rep):
    for _ in range(3):
        LeadFactory(owner=rep, source="event")
    LeadFactory(owner=rep, source="inbound")
    api = Api(rep)
    page = api.get("/", {"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_offset"] == 2
    assert len(api.get("/", {"source": "event"}).json()["items"]) == 3


def test_create_and_patch_with_version(rep):
    api = Api(rep)
    response = api.send("post", "/", {"company_name": "铜川水泥", "source": "visit",
                                      "budget": "confirmed"})  # fmt: skip
    assert response.status_code == 201
    lead = Lead.objects.get()
    assert (lead.owner, lead.budget) == (rep, "confirmed")
    bad = api.send("post", "/", {"company_name": "", "source": "nope", "account_id": 99999})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"company_name", "source", "account_id"}

    ok = api.send("patch", f"/{lead.pk}", {"version": 0, "need": "confirmed"})
    assert ok.status_code == 200 and ok.json()["version"] == 1
    stale = api.send("patch", f"/{lead.pk}", {"version": 0, "need": "unknown"})
    assert stale.status_code == 422
    assert stale.json()["errors"]["__all__"] == [str(STALE_MESSAGE)]
    lead.refresh_from_db()
    assert lead.need == "confirmed"


def test_follow_ups(rep, rep_lead):
    LeadFollowUpFactory(lead=rep_lead)
    api = Api(rep)
    response = api.send("post", f"/{rep_lead.pk}/follow-ups", {"kind": "visit", "content": "拜访"})
    assert response.status_code == 201
    assert [row["kind"] for row in api.get(f"/{rep_lead.pk}/follow-ups").json()] == [
        "visit",
        "call",
    ]
    assert api.send("post", f"/{rep_lead.pk}/follow-ups", {"kind": "x", "content": ""}).json()[
        "errors"
    ].keys() == {"kind", "content"}


def test_convert_refused_lists_missing_bant(rep, rep_lead):
    rep_lead.budget = "confirmed"
    rep_lead.save()
    response = Api(rep).send("post", f"/{rep_lead.pk}/convert", {"version": 0, **NEW_ACCOUNT})
    assert response.status_code == 422
    assert response.json()["missing"] == ["authority", "need", "timeline"]
    assert not Opportunity.objects.exists()


def test_convert_and_override(rep, qualified_lead, rep_lead):
    api = Api(rep)
    response = api.send(
        "post", f"/{qualified_lead.pk}/convert",
        {"version": 0, **NEW_ACCOUNT, "expected_sign_date": "2027-01-15"},
    )  # fmt: skip
    assert response.status_code == 201
    deal = Opportunity.objects.get()
    assert response.json() == {
        "opportunity_id": deal.pk, "number": deal.number, "account_id": deal.account_id
    }  # fmt: skip
    override = api.send("post", f"/{rep_lead.pk}/convert-override",
                        {"version": 0, **NEW_ACCOUNT, "reason": "领导关注"})  # fmt: skip
    assert override.status_code == 201 and override.json()["status"] == "pending"


@pytest.mark.parametrize("rows", [1, 3])
def test_list_query_count(rep, rows, django_assert_max_num_queries):
    for _ in range(rows):
        LeadFactory(owner=rep)
    api = Api(rep)
    with django_assert_max_num_queries(6):
        assert len(api.get("/").json()["items"]) == rows
