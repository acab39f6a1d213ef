"""The permission matrix (R-SEC-1) for winning: every role against every opportunity, quote,
bid, pre-sales, assessment and approval page and endpoint.

The rep owns account A with deal A; a rep of another team owns account B with deal B. Each deal
has a quote version, a bid, a pre-sales request waiting for approval and the assessment panels.
The solution manager sits on account A's team, so reads A but edits nothing.
"""

from datetime import UTC, date, datetime, timedelta
from typing import cast

import pytest
from django.urls import reverse

from kam.accounts.models import Account
from kam.approvals.models import Approval
from kam.bids.services import bid_create
from kam.opportunities.enums import StageKind
from kam.opportunities.models import Opportunity, Stage
from kam.opportunities.services.opportunities import opportunity_create
from kam.presales.services import presales_request_create
from kam.quotes.services import quote_version_create
from kam.users.services import api_token_create
from tests.conftest import PERSONAS, client_for
from tests.factories import AccountFactory, AccountTeamMemberFactory, ProductFactory

pytestmark = pytest.mark.django_db

SEES_A = {"gm", "admin_user", "director", "manager", "rep", "solution_manager"}
SEES_B = {"gm", "admin_user", "director", "other_manager", "other_rep"}
EDITS_A = {"gm", "admin_user", "director", "manager", "rep"}


def _deal(owner, account_name: str, deal_name: str, product) -> dict:
    account = cast(Account, AccountFactory(name=account_name, owner=owner))
    deal = opportunity_create(
        account=account, actor=owner, data={"name": deal_name},
        lines=[{"product": product.pk, "quantity": "2"}],
    )  # fmt: skip
    quote = quote_version_create(opportunity=deal, actor=owner, data={})
    bid = bid_create(
        opportunity=deal, actor=owner,
        data={"tender_name": f"{deal_name}招标", "tender_number": "ZB-1",
              "deadline": datetime.now(UTC) + timedelta(days=10), "bond": "0",
              "bid_amount": "20000"},
    )  # fmt: skip
    request = presales_request_create(
        opportunity=deal, actor=owner, submit=True,
        data={"kind": "solution", "description": "方案调研", "estimated_hours": "8",
              "needed_from": date(2026, 12, 1), "needed_to": date(2026, 12, 5)},
    )  # fmt: skip
    approval = Approval.objects.get(opportunity=deal)
    return {"account": account, "deal": deal, "quote": quote, "bid": bid,
            "presales": request, "approval": approval}  # fmt: skip


@pytest.fixture
def world(rep, other_rep, solution_manager, colleague, manager, other_manager, director, gm,
          admin_user, finance):  # fmt: skip
    product = ProductFactory()
    a = _deal(rep, "甲方集团有限公司", "甲方私有云项目", product)
    b = _deal(other_rep, "乙方医院", "乙方灾备项目", product)
    AccountTeamMemberFactory(account=a["account"], user=solution_manager, role="solution")
    return {"a": a, "b": b}


def page_urls(records: dict) -> list[str]:
    deal = records["deal"].pk
    return [
        reverse("opportunities:detail", args=[deal]),
        reverse("quotes:detail", args=[records["quote"].pk]),
        reverse("quotes:pdf", args=[records["quote"].pk]),
        reverse("quotes:for_opportunity", args=[deal]),
        reverse("bids:detail", args=[records["bid"].pk]),
        reverse("bids:panel", args=[deal]),
        reverse("presales:detail", args=[records["presales"].pk]),
        reverse("presales:panel", args=[deal]),
        reverse("assessments:assessment", args=[deal]),
        reverse("assessments:chain", args=[deal]),
        reverse("assessments:actions", args=[deal]),
        reverse("approvals:detail", args=[records["approval"].pk]),
        reverse("opportunities:approvals_panel", args=[deal]),
        reverse("opportunities:initiation_panel", args=[deal]),
    ]


def api_urls(records: dict) -> list[str]:
    deal = records["deal"].pk
    return [
        f"/api/opportunities/{deal}",
        f"/api/quotes/{records['quote'].pk}",
        f"/api/bids/{records['bid'].pk}",
        f"/api/presales/requests/{records['presales'].pk}",
        f"/api/deals/{deal}/risk",
        f"/api/deals/{deal}/assessment",
        f"/api/approvals/{records['approval'].pk}",
        f"/api/opportunities/{deal}/approvals",
        f"/api/opportunities/{deal}/initiation",
    ]


@pytest.mark.parametrize("role", PERSONAS)
@pytest.mark.parametrize("subject", ["a", "b"])
def test_pages_follow_visibility(request, world, role, subject):
    user = request.getfixturevalue(role)
    allowed = role in (SEES_A if subject == "a" else SEES_B)
    client = client_for(user)
    for url in page_urls(world[subject]):
        assert client.get(url).status_code == (200 if allowed else 404), (role, url)


@pytest.mark.parametrize("role", PERSONAS)
@pytest.mark.parametrize("subject", ["a", "b"])
def test_api_follows_visibility(request, world, role, subject):
    user = request.getfixturevalue(role)
    allowed = role in (SEES_A if subject == "a" else SEES_B)
    _token, key = api_token_create(user=user, name="matrix")
    client = client_for(user)
    for url in api_urls(world[subject]):
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == (200 if allowed else 404), (role, url)


@pytest.mark.parametrize("role", PERSONAS)
def test_lists_board_forecast_and_search_show_only_visible_deals(request, world, role):
    user = request.getfixturevalue(role)
    client = client_for(user)
    _token, key = api_token_create(user=user, name="matrix")
    for subject, allowed in (("a", role in SEES_A), ("b", role in SEES_B)):
        deal = world[subject]["deal"]
        # the search page echoes the query, so look for the link to the deal, not its name
        link = f'href="{reverse("opportunities:detail", args=[deal.pk])}"'
        pages = {
            reverse("opportunities:list"): link,
            reverse("opportunities:board"): deal.name,
            reverse("search:results") + f"?q={deal.name}": link,
        }
        for url, text in pages.items():
            assert (text in client.get(url).content.decode()) == allowed, (role, url, subject)
        ids = {
            item["id"]
            for item in client.get(
                "/api/opportunities/", HTTP_AUTHORIZATION=f"Bearer {key}"
            ).json()["items"]
        }
        assert (world[subject]["deal"].pk in ids) == allowed, (role, subject)


@pytest.mark.parametrize("role", PERSONAS)
def test_moving_deal_a_needs_edit_rights(request, world, role):
    """Editors get past the permission check (the gate then refuses: no expected date);
    the team member who only reads gets 403; everyone else cannot even see it (404)."""
    user = request.getfixturevalue(role)
    deal = world["a"]["deal"]
    stage = deal.process.stages.get(code="initiate")
    response = client_for(user).post(
        reverse("opportunities:move", args=[deal.pk]),
        {"to_stage": stage.pk, "version": deal.version},
    )
    if role in EDITS_A:
        assert response.status_code not in {403, 404}, role
    else:
        assert response.status_code == (403 if role in SEES_A else 404), role


@pytest.mark.parametrize("role", PERSONAS)
def test_the_boards_closed_fold_shows_only_visible_deals(request, world, role):
    deals = [world[subject]["deal"] for subject in ("a", "b")]
    won = Stage.objects.get(process=deals[0].process, kind=StageKind.WON)
    Opportunity.objects.filter(pk__in=[d.pk for d in deals]).update(
        stage=won, closed_at=datetime.now(UTC)
    )
    url = reverse("opportunities:board_closed", args=[won.pk])
    html = client_for(request.getfixturevalue(role)).get(url).content.decode()
    for deal, allowed in zip(deals, (role in SEES_A, role in SEES_B), strict=True):
        assert (f'data-card="{deal.pk}"' in html) == allowed, (role, deal.name)


@pytest.mark.parametrize("role", PERSONAS)
def test_every_win_page_renders_for_every_role(request, world, role):
    user = request.getfixturevalue(role)
    client = client_for(user)
    for name in ["opportunities:list", "opportunities:board", "approvals:inbox",
                 "forecasts:index", "forecasts:accuracy", "presales:mine"]:  # fmt: skip
        assert client.get(reverse(name)).status_code == 200, name
    managers = {"gm", "admin_user", "director", "manager", "other_manager"}
    violations = client.get(reverse("opportunities:violations")).status_code
    assert violations == (200 if role in managers else 403), role
    chains = client.get(reverse("approvals:chains")).status_code
    assert chains == (200 if role in {"gm", "admin_user"} else 403), role
