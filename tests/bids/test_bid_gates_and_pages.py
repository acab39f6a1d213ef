"""The bid checks inside the stage gates, the panels on the opportunity page, and the strict
CSP on every bid and pre-sales page."""

import re
from datetime import date
from typing import cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kam.bids.enums import BidStatus
from kam.bids.models import Bid
from kam.opportunities.gates import stage_gate_missing
from kam.opportunities.models import Stage
from kam.opportunities.panels import panels
from kam.presales.enums import RequestStatus
from kam.presales.models import PresalesAssignment
from tests.conftest import client_for
from tests.factories import BidFactory, PresalesAssignmentFactory, PresalesRequestFactory

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"|\son[a-z]+=\"", re.I)


def test_panels_are_registered():
    keys = {panel.key: panel.url_name for panel in panels()}
    assert keys["bids"] == "bids:panel"
    assert keys["presales"] == "presales:panel"


def test_badges_show_the_live_bid(opportunity):
    from kam.opportunities.panels import badges_for

    BidFactory(opportunity=opportunity, status=BidStatus.LOST, result_note="价格")
    BidFactory(opportunity=opportunity, status=BidStatus.APPROVAL_PENDING)
    badges = badges_for([opportunity.pk])[opportunity.pk]
    bid_badges = [b for b in badges if b.label.startswith("投标")]
    assert [(b.label, b.tone) for b in bid_badges] == [("投标：审批中", "warn")]


def test_opportunity_page_loads_both_panels(opportunity, rep):
    html = client_for(rep).get(reverse("opportunities:detail", args=[opportunity.pk])).content
    page = html.decode()
    assert reverse("presales:panel", args=[opportunity.pk]) in page
    assert reverse("bids:panel", args=[opportunity.pk]) in page


def test_gate_uses_the_bid_result(opportunity):
    stage = Stage.objects.get(pk=opportunity.stage_id)
    stage.required_fields, stage.required_approvals = [], []
    stage.required_checks = ["bid_result_recorded", "bid_approved", "bid_reviews_passed"]
    stage.save()
    stage.attestations.all().delete()
    codes = {m.code for m in stage_gate_missing(opportunity, stage)}
    assert codes == {"bid_result_recorded", "bid_approved", "bid_reviews_passed"}
    bid = BidFactory(opportunity=opportunity, status=BidStatus.LOST, result_note="价格")
    for kind in ("technical", "commercial"):
        bid.reviews.create(kind=kind, requested_by=opportunity.owner, conclusion="pass")
    assert stage_gate_missing(opportunity, stage) == []
    # A re-bid is the latest bid: its gate starts over.
    BidFactory(opportunity=opportunity)
    codes = {m.code for m in stage_gate_missing(opportunity, stage)}
    assert codes == {"bid_result_recorded", "bid_approved", "bid_reviews_passed"}


def test_pages_have_no_inline_script_or_style(opportunity, rep, manager):
    bid = BidFactory(opportunity=opportunity, status=BidStatus.SUBMITTED)
    request = PresalesRequestFactory(opportunity=opportunity, status=RequestStatus.APPROVED)
    urls = [
        reverse("bids:panel", args=[opportunity.pk]),
        reverse("bids:create", args=[opportunity.pk]),
        reverse("bids:detail", args=[bid.pk]),
        reverse("presales:panel", args=[opportunity.pk]),
        reverse("presales:create", args=[opportunity.pk]),
        reverse("presales:detail", args=[request.pk]),
        reverse("presales:mine"),
        reverse("presales:costs"),
    ]
    for user in (rep, manager):
        client = client_for(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), url
            assert not INLINE_STYLE.search(html), url


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_queries_do_not_grow_with_rows(opportunity, rep, manager, solution_manager):
    from kam.opportunities.models import OpportunityTeamMember

    OpportunityTeamMember.objects.create(
        opportunity=opportunity, user=solution_manager, role="presales"
    )
    client, person = client_for(rep), client_for(solution_manager)
    urls = {
        "bids": (client, reverse("bids:panel", args=[opportunity.pk])),
        "presales": (client, reverse("presales:panel", args=[opportunity.pk])),
        "mine": (person, reverse("presales:mine")),
        "costs": (client, reverse("presales:costs")),
    }

    def add_rows() -> None:
        bid = cast(Bid, BidFactory(opportunity=opportunity, status=BidStatus.LOST))
        bid.reviews.create(kind="technical", requested_by=rep)
        bid.document_requests.create(kinds=["cases"], needed_by=date(2026, 12, 1), requested_by=rep)
        bid.negotiations.create(
            date=date(2026, 11, 1), participants="客户", content="谈判", created_by=rep
        )
        request = PresalesRequestFactory(opportunity=opportunity, status=RequestStatus.DISPATCHED)
        assignment = cast(
            PresalesAssignment,
            PresalesAssignmentFactory(request=request, user=solution_manager, assigned_by=manager),
        )
        assignment.logs.create(date=date(2026, 11, 2), hours="2.5", description="方案")

    add_rows()
    one = {key: _queries(*value) for key, value in urls.items()}
    add_rows()
    add_rows()
    three = {key: _queries(*value) for key, value in urls.items()}
    assert one == three
