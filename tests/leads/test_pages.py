"""Lead pages: list with filters, form, detail with BANT/playbook, convert and override."""

import pytest
from django.urls import reverse

from kam.approvals.models import Approval
from kam.core.versioning import STALE_MESSAGE
from kam.leads.models import Lead, LeadFollowUp
from kam.opportunities.models import Opportunity
from tests.conftest import client_for
from tests.factories import AccountFactory, LeadFactory, LeadFollowUpFactory
from tests.leads.conftest import NEW_ACCOUNT


def test_list_shows_only_visible_leads_and_filters(rep, other_rep, rep_lead):
    LeadFactory(owner=other_rep, company_name="别人的线索")
    LeadFactory(owner=rep, company_name="活动线索", source="event")
    client = client_for(rep)
    body = client.get(reverse("leads:list")).content.decode()
    assert rep_lead.company_name in body and "活动线索" in body and "别人的线索" not in body
    filtered = client.get(reverse("leads:list"), {"source": "event"}).content.decode()
    assert "活动线索" in filtered and rep_lead.company_name not in filtered


@pytest.mark.parametrize("rows", [1, 3])
def test_list_query_count(rep, rows, django_assert_max_num_queries):
    for _ in range(rows):
        LeadFactory(owner=rep, account=AccountFactory(owner=rep))
    client = client_for(rep)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("leads:list"))
    assert response.content.decode().count('href="/leads/') >= rows


def test_detail_is_404_for_others(rep_lead, other_rep, manager, gm):
    url = reverse("leads:detail", args=[rep_lead.pk])
    assert client_for(other_rep).get(url).status_code == 404
    assert client_for(manager).get(url).status_code == 200
    assert client_for(gm).get(url).status_code == 200


def test_detail_shows_bant_playbook_and_follow_ups(rep, rep_lead):
    LeadFollowUpFactory(lead=rep_lead, content="初次电话沟通")
    body = client_for(rep).get(reverse("leads:detail", args=[rep_lead.pk])).content.decode()
    for key in ("budget", "authority", "need", "timeline"):
        assert f'data-testid="bant-{key}"' in body
    assert "供应商名录" in body  # the continuous-purchase playbook
    assert "初次电话沟通" in body
    assert 'data-testid="request-override"' in body and 'data-testid="convert"' not in body


def test_create_and_stale_edit(rep):
    client = client_for(rep)
    bant = {"budget": "confirmed", "authority": "unknown", "need": "unknown", "timeline": "unknown"}
    response = client.post(
        reverse("leads:create"), {"company_name": "渭南化工", "source": "visit", **bant}
    )
    lead = Lead.objects.get()
    assert response.status_code == 302 and (lead.owner, lead.budget) == (rep, "confirmed")
    form = {
        "version": "0", "company_name": "渭南化工集团", "source": "visit",
        **bant, "authority": "confirmed",
    }  # fmt: skip
    assert client.post(reverse("leads:edit", args=[lead.pk]), form).status_code == 302
    stale = client.post(reverse("leads:edit", args=[lead.pk]), {**form, "need": "confirmed"})
    assert str(STALE_MESSAGE) in stale.content.decode()
    lead.refresh_from_db()
    assert (lead.company_name, lead.authority, lead.need) == (
        "渭南化工集团",
        "confirmed",
        "unknown",
    )


def test_follow_up_page(rep, rep_lead, colleague):
    url = reverse("leads:follow_up", args=[rep_lead.pk])
    assert client_for(colleague).post(url, {"kind": "call", "content": "x"}).status_code == 404
    response = client_for(rep).post(url, {"kind": "call", "content": "约了下周拜访"})
    assert response.status_code == 302
    assert LeadFollowUp.objects.get().content == "约了下周拜访"


def test_convert_page(rep, qualified_lead):
    response = client_for(rep).post(
        reverse("leads:convert", args=[qualified_lead.pk]), {"version": "0", **NEW_ACCOUNT}
    )
    deal = Opportunity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "opportunities:detail", args=[deal.pk]
    )
    qualified_lead.refresh_from_db()
    assert qualified_lead.converted_opportunity == deal


def test_convert_page_refuses_incomplete_bant_and_offers_override(rep, rep_lead):
    client = client_for(rep)
    url = reverse("leads:convert", args=[rep_lead.pk])
    refused = client.post(url, {"version": "0", **NEW_ACCOUNT})
    assert refused.status_code == 422 and "预算尚未确认" in refused.content.decode()
    assert not Opportunity.objects.exists()
    asked = client.post(url, {"version": "0", **NEW_ACCOUNT, "reason": "战略客户", "override": "1"})
    assert asked.status_code == 302
    approval = Approval.objects.get()
    assert (approval.type_code, approval.payload["lead_id"]) == (
        "lead_conversion_override",
        rep_lead.pk,
    )


def test_disqualify_page_and_linking_an_owned_account(rep, rep_lead, qualified_lead):
    client = client_for(rep)
    url = reverse("leads:disqualify", args=[rep_lead.pk])
    assert client.post(url, {"version": "0", "reason": ""}).status_code == 422
    assert client.post(url, {"version": "0", "reason": "项目取消"}).status_code == 302
    rep_lead.refresh_from_db()
    assert (rep_lead.status, rep_lead.disqualify_reason) == ("disqualified", "项目取消")

    account = AccountFactory(owner=rep)
    response = client.post(
        reverse("leads:convert", args=[qualified_lead.pk]), {"version": "0", "account": account.pk}
    )
    assert response.status_code == 302 and Opportunity.objects.get().account == account
