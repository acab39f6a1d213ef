"""Bids (SPEC R-OPP-8): approval needs a level-2 guide, documents and reviews go through
approvals, results feed the gate checks; visibility and query counts."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from kam.bids.checks import bid_approved, bid_result_recorded, bid_reviews_passed
from kam.bids.enums import BidStatus, DocumentStatus, ReviewConclusion
from kam.bids.models import Bid
from kam.bids.services import (
    bid_create,
    bid_document_request_create,
    bid_mark_submitted,
    bid_record_result,
    bid_review_request,
    bid_submit_for_approval,
    bid_update,
    negotiation_add,
)
from kam.opportunities.gates import gate_checks
from kam.users.services import api_token_create
from tests.conftest import client_for
from tests.factories import BidFactory
from tests.presales.conftest import approval_for, approve_fully, reject

pytestmark = pytest.mark.django_db

DATA = {
    "tender_name": "智慧园区建设项目",
    "tender_number": "SXDX-2026-018",
    "deadline": datetime(2026, 12, 20, 9, 30, tzinfo=UTC),
    "bond": "50000.00",
    "bid_amount": "1234567.89",
}


def _approved_bid(opportunity, rep):
    bid = bid_create(opportunity=opportunity, actor=rep, data=DATA)
    bid = bid_submit_for_approval(bid=bid, actor=rep, version=bid.version)
    approve_fully(approval_for(bid, "bid"))
    bid.refresh_from_db()
    return bid


def test_gate_checks_are_registered():
    codes = {check.code for check in gate_checks()}
    assert {"bid_result_recorded", "bid_approved", "bid_reviews_passed"} <= codes


def test_create_validates_money_and_one_live_bid(opportunity, rep):
    for changes, field in (
        ({"bid_amount": "-1"}, "bid_amount"),
        ({"bid_amount": "1.234"}, "bid_amount"),
        ({"bond": "abc"}, "bond"),
        ({"tender_name": " "}, "tender_name"),
        ({"deadline": None}, "deadline"),
    ):
        with pytest.raises(ValidationError) as error:
            bid_create(opportunity=opportunity, actor=rep, data={**DATA, **changes})
        assert field in error.value.message_dict
    with pytest.raises(TypeError):
        bid_create(opportunity=opportunity, actor=rep, data={**DATA, "bid_amount": 1.5})
    bid = bid_create(opportunity=opportunity, actor=rep, data=DATA)
    assert bid.bid_amount == Decimal("1234567.89")
    with pytest.raises(ValidationError, match="进行中的投标"):
        bid_create(opportunity=opportunity, actor=rep, data=DATA)
    # A re-bid is allowed after giving up on the first.
    bid_record_result(bid=bid, actor=rep, version=bid.version, status="abandoned", note="废标")
    assert bid_create(opportunity=opportunity, actor=rep, data=DATA).pk != bid.pk


def test_only_the_owner_line_opens_a_bid(opportunity, other_rep, colleague):
    for user in (other_rep, colleague):
        with pytest.raises(PermissionDenied):
            bid_create(opportunity=opportunity, actor=user, data=DATA)


def test_bid_approval_refused_without_level_2_guide(opportunity, rep):
    bid = bid_create(opportunity=opportunity, actor=rep, data=DATA)
    with pytest.raises(ValidationError, match="2 级及以上的向导"):
        bid_submit_for_approval(bid=bid, actor=rep, version=bid.version)
    bid.refresh_from_db()
    assert bid.status == BidStatus.PREPARING
    assert not bid.opportunity.approvals.exists()


def test_bid_approval_with_guide_then_submitted_and_won(opportunity, rep, guide, manager):
    bid = bid_create(opportunity=opportunity, actor=rep, data=DATA)
    bid = bid_submit_for_approval(bid=bid, actor=rep, version=bid.version)
    assert bid.status == BidStatus.APPROVAL_PENDING
    approval = approval_for(bid, "bid")
    assert approval.amount == Decimal("1234567.89")
    assert approval.opportunity_id == opportunity.pk
    assert not bid_approved(opportunity)
    with pytest.raises(ValidationError):
        bid_update(bid=bid, actor=rep, version=bid.version, changes={"bid_amount": "1"})
    approve_fully(approval)
    bid.refresh_from_db()
    assert bid.status == BidStatus.APPROVED
    assert bid_approved(opportunity)
    assert not bid_result_recorded(opportunity)
    with pytest.raises(ValidationError):
        bid_record_result(bid=bid, actor=rep, version=bid.version, status="won")
    bid = bid_mark_submitted(
        bid=bid, actor=rep, version=bid.version, submitted_on=date(2026, 11, 1)
    )
    assert bid.status == BidStatus.SUBMITTED
    bid = bid_record_result(
        bid=bid, actor=rep, version=bid.version, status="won", competitor_prices="甲公司 120 万"
    )
    assert bid.status == BidStatus.WON
    assert bid_result_recorded(opportunity)
    data = {
        "date": date(2026, 11, 5), "participants": "客户采购部、我方销售", "content": "价格谈判",
        "outcome": "降价 2%", "next_step": "准备合同",
    }  # fmt: skip
    note = negotiation_add(bid=bid, actor=rep, data=data)
    assert note.bid == bid


def test_rejected_bid_goes_back_to_preparing(opportunity, rep, guide):
    bid = bid_create(opportunity=opportunity, actor=rep, data=DATA)
    bid = bid_submit_for_approval(bid=bid, actor=rep, version=bid.version)
    reject(approval_for(bid, "bid"))
    bid.refresh_from_db()
    assert bid.status == BidStatus.PREPARING


def test_withdrawn_approval_lets_the_bid_be_sent_again_or_abandoned(opportunity, rep, guide):
    from kam.approvals.services import approval_withdraw

    bid = bid_create(opportunity=opportunity, actor=rep, data=DATA)
    bid = bid_submit_for_approval(bid=bid, actor=rep, version=bid.version)
    with pytest.raises(ValidationError):
        bid_record_result(bid=bid, actor=rep, version=bid.version, status="abandoned", note="x")
    approval = approval_for(bid, "bid")
    approval_withdraw(approval=approval, actor=rep, version=approval.version)
    bid = bid_submit_for_approval(bid=bid, actor=rep, version=bid.version)
    assert approval_for(bid, "bid").pk != approval.pk
    approval = approval_for(bid, "bid")
    approval_withdraw(approval=approval, actor=rep, version=approval.version)
    bid = bid_record_result(bid=bid, actor=rep, version=bid.version, status="abandoned", note="x")
    assert bid.status == BidStatus.ABANDONED


def test_lost_needs_a_reason_and_records_result(opportunity, rep, guide):
    bid = _approved_bid(opportunity, rep)
    bid = bid_mark_submitted(
        bid=bid, actor=rep, version=bid.version, submitted_on=date(2026, 11, 1)
    )
    with pytest.raises(ValidationError) as error:
        bid_record_result(bid=bid, actor=rep, version=bid.version, status="lost")
    assert "note" in error.value.message_dict
    bid = bid_record_result(bid=bid, actor=rep, version=bid.version, status="lost", note="价格高")
    assert bid_result_recorded(opportunity)
    with pytest.raises(ValidationError, match="该记录已被他人修改"):
        bid_record_result(bid=bid, actor=rep, version=bid.version - 1, status="won")


def test_documents_and_reviews_through_approvals(opportunity, rep, guide):
    bid = bid_create(opportunity=opportunity, actor=rep, data=DATA)
    document = bid_document_request_create(
        bid=bid, actor=rep, kinds=["licence", "cases"], needed_by=date(2026, 12, 1)
    )
    assert document.status == DocumentStatus.PENDING
    assert approval_for(document, "bid_documents").payload["kinds"] == ["licence", "cases"]
    approve_fully(approval_for(document, "bid_documents"))
    document.refresh_from_db()
    assert document.status == DocumentStatus.APPROVED
    with pytest.raises(ValidationError) as error:
        bid_document_request_create(bid=bid, actor=rep, kinds=["x"], needed_by=date(2026, 12, 1))
    assert "kinds" in error.value.message_dict

    technical = bid_review_request(bid=bid, actor=rep, kind="technical")
    with pytest.raises(ValidationError):
        bid_review_request(bid=bid, actor=rep, kind="technical")  # one at a time
    commercial = bid_review_request(bid=bid, actor=rep, kind="commercial")
    assert not bid_reviews_passed(opportunity)
    approve_fully(approval_for(technical, "solution_review"))
    reject(approval_for(commercial, "commercial_review"), "毛利太低")
    technical.refresh_from_db()
    commercial.refresh_from_db()
    assert technical.conclusion == ReviewConclusion.PASS
    assert technical.reviewer is not None
    assert commercial.conclusion == ReviewConclusion.FAIL
    assert "毛利太低" in commercial.comments
    assert not bid_reviews_passed(opportunity)
    again = bid_review_request(bid=bid, actor=rep, kind="commercial")
    approve_fully(approval_for(again, "commercial_review"))
    assert bid_reviews_passed(opportunity)


def test_team_member_prepares_but_does_not_manage(opportunity, rep, solution_manager):
    from kam.opportunities.models import OpportunityTeamMember

    OpportunityTeamMember.objects.create(
        opportunity=opportunity, user=solution_manager, role="solution_manager"
    )
    bid = bid_create(opportunity=opportunity, actor=rep, data=DATA)
    bid_review_request(bid=bid, actor=solution_manager, kind="technical")
    with pytest.raises(PermissionDenied):
        bid_submit_for_approval(bid=bid, actor=solution_manager, version=bid.version)


# ---- pages and API ---------------------------------------------------------------------------


def test_pages_follow_visibility(opportunity, rep, manager, other_rep, colleague):
    bid = BidFactory(opportunity=opportunity)
    urls = [
        reverse("bids:panel", args=[opportunity.pk]),
        reverse("bids:detail", args=[bid.pk]),
        reverse("bids:edit", args=[bid.pk]),
    ]
    for user in (other_rep, colleague):
        client = client_for(user)
        for url in [*urls, reverse("bids:create", args=[opportunity.pk])]:
            assert client.get(url).status_code == 404, (user, url)
        for name in ("submit", "result", "negotiation", "review_request", "document_request"):
            assert client.post(reverse(f"bids:{name}", args=[bid.pk])).status_code == 404
    for user in (rep, manager):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user, url)


def test_submit_page_shows_the_guide_message(opportunity, rep):
    bid = BidFactory(opportunity=opportunity)
    client = client_for(rep)
    response = client.post(reverse("bids:submit", args=[bid.pk]), {"version": bid.version})
    assert response.status_code == 422
    assert "2 级及以上的向导" in response.content.decode()
    bid.refresh_from_db()
    assert bid.status == BidStatus.PREPARING


def test_create_page(opportunity, rep, colleague):
    url = reverse("bids:create", args=[opportunity.pk])
    form = {
        "tender_name": "园区招标", "deadline": "2026-12-20T09:30", "bond": "10000",
        "bid_amount": "880000.50",
    }  # fmt: skip
    response = client_for(rep).post(url, form)
    assert response.status_code == 302
    assert Bid.objects.get().bid_amount == Decimal("880000.50")
    again = client_for(rep).post(url, form)
    assert again.status_code == 422
    assert Bid.objects.count() == 1


@pytest.mark.parametrize("n", [1, 3])
def test_panel_query_count(n, opportunity, rep, django_assert_max_num_queries):
    for i in range(n):
        bid = BidFactory(opportunity=opportunity, status="lost" if i else "preparing")
        bid.reviews.create(kind="technical", requested_by=rep)
        bid.document_requests.create(
            kinds=["licence"], needed_by=date(2026, 12, 1), requested_by=rep
        )
    client = client_for(rep)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("bids:panel", args=[opportunity.pk])).status_code == 200


def _api(user) -> Client:
    token = api_token_create(user=user, name="test")[1]
    return Client(headers={"authorization": f"Bearer {token}"})


def test_api_flow(opportunity, rep, other_rep, guide):
    client = _api(rep)
    base = f"/api/bids/opportunities/{opportunity.pk}"
    body = {"tender_name": "园区招标", "deadline": "2026-12-20T09:30:00+08:00",
            "bond": "10000.00", "bid_amount": "880000.00"}  # fmt: skip
    assert (
        client.post(
            base, {**body, "bid_amount": 880000.0}, content_type="application/json"
        ).status_code
        == 422
    )
    created = client.post(base, body, content_type="application/json")
    assert created.status_code == 201, created.content
    bid = created.json()
    assert bid["bid_amount"] == "880000.00"
    assert _api(other_rep).get(base).status_code == 404
    assert _api(other_rep).get(f"/api/bids/{bid['id']}").status_code == 404
    assert (
        _api(other_rep)
        .post(f"/api/bids/{bid['id']}/submit", {"version": 0}, content_type="application/json")
        .status_code
        == 404
    )

    submitted = client.post(
        f"/api/bids/{bid['id']}/submit",
        {"version": bid["version"]},
        content_type="application/json",
    )
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "approval_pending"
    stale = client.post(
        f"/api/bids/{bid['id']}/submit",
        {"version": bid["version"]},
        content_type="application/json",
    )
    assert stale.status_code == 422
    review = client.post(
        f"/api/bids/{bid['id']}/reviews", {"kind": "technical"}, content_type="application/json"
    )
    assert review.status_code == 201
    assert review.json()["reviews"][0]["conclusion"] == ""
    docs = client.post(
        f"/api/bids/{bid['id']}/documents",
        {"kinds": ["qualification"], "needed_by": "2026-12-01"}, content_type="application/json",
    )  # fmt: skip
    assert docs.status_code == 201
    approve_fully(approval_for(Bid.objects.get(pk=bid["id"]), "bid"))
    current = client.get(f"/api/bids/{bid['id']}").json()
    assert current["status"] == "approved"
    went_in = client.post(
        f"/api/bids/{bid['id']}/submitted",
        {"version": current["version"], "submitted_on": "2026-11-01"},
        content_type="application/json",
    )  # fmt: skip
    assert went_in.status_code == 200
    result = client.post(
        f"/api/bids/{bid['id']}/result",
        {"version": went_in.json()["version"], "status": "lost", "note": "价格高",
         "competitor_prices": "乙公司 85 万"}, content_type="application/json",
    )  # fmt: skip
    assert result.status_code == 200
    assert bid_result_recorded(opportunity)
    negotiation = client.post(
        f"/api/bids/{bid['id']}/negotiations",
        {"date": "2026-11-03", "participants": "客户", "content": "复盘"},
        content_type="application/json",
    )  # fmt: skip
    assert negotiation.status_code == 422  # only after a submitted or won bid
