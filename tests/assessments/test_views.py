"""The three panels: visibility (404), rights (editor / team member), versioned edits, CSP."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kam.assessments.models import ActionItem, Assessment, DealContact
from kam.core.versioning import STALE_MESSAGE
from kam.opportunities.panels import badges_for, panels
from tests.conftest import client_for
from tests.factories import ActionItemFactory, ContactFactory, DealContactFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"|\son[a-z]+=\"", re.I)
PANELS = ["assessments:assessment", "assessments:chain", "assessments:actions"]


def url(name, opp, *args):
    return reverse(name, args=[opp.pk, *args])


def test_panels_and_badge_source_are_registered():
    registered = {p.key: p for p in panels()}
    assert registered["assessment"].url_name == "assessments:assessment"
    assert registered["deal_chain"].url_name == "assessments:chain"
    assert registered["action_plan"].url_name == "assessments:actions"


@pytest.mark.parametrize("name", PANELS)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("rep", 200), ("manager", 200), ("gm", 200), ("colleague", 404), ("other_rep", 404),
     ("other_manager", 404)],
)  # fmt: skip
def test_panel_visibility(request, opp, name, persona, status):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(url(name, opp), **HTMX).status_code == status


@pytest.mark.parametrize("name", PANELS)
def test_team_member_sees_panels(opp, team_member, name):
    response = client_for(team_member).get(url(name, opp), **HTMX)
    assert response.status_code == 200
    assert b"<html" not in response.content  # a fragment for htmx


@pytest.mark.parametrize("name", PANELS)
def test_direct_page_has_no_inline_script_or_style(opp, rep, name):
    DealContactFactory(opportunity=opp)
    ActionItemFactory(opportunity=opp, due_date=timezone.localdate() - timedelta(days=3))
    html = client_for(rep).get(url(name, opp)).content.decode()
    assert "<html" in html
    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html)


def _assessment_post(version, **extra):
    data = {
        "version": version, "real_score": "4", "compete_score": "3", "win_score": "3",
        "worth_score": "5", "real_note": "预算已批", "competitive_strategy": "突出本地服务",
    }  # fmt: skip
    return {**data, **extra}


def test_assessment_saved_by_editor_refused_for_team_member(opp, rep, team_member):
    member = client_for(team_member)
    page = member.get(url("assessments:assessment", opp), **HTMX).content.decode()
    assert 'data-testid="assessment-form"' not in page
    response = member.post(url("assessments:assessment", opp), _assessment_post(0), **HTMX)
    assert response.status_code == 403
    assert not Assessment.objects.exists()

    response = client_for(rep).post(url("assessments:assessment", opp), _assessment_post(0), **HTMX)
    assert response.status_code == 200
    assert "总分 15 / 20" in response.content.decode()
    saved = Assessment.objects.get()
    assert saved.real_note == "预算已批" and saved.version == 1


def test_assessment_stale_version_shows_conflict(opp, rep, manager):
    client_for(manager).post(url("assessments:assessment", opp), _assessment_post(0), **HTMX)
    response = client_for(rep).post(
        url("assessments:assessment", opp), _assessment_post(0, real_score="1"), **HTMX
    )
    assert str(STALE_MESSAGE) in response.content.decode()
    assert Assessment.objects.get().real_score == 4


def test_assessment_bad_score_names_the_field(opp, rep):
    response = client_for(rep).post(
        url("assessments:assessment", opp), _assessment_post(0, win_score="7"), **HTMX
    )
    assert 'data-field="win_score"' in response.content.decode()
    assert not Assessment.objects.exists()


def test_chain_panel_shows_coverage_and_flags(opp, rep):
    DealContactFactory(opportunity=opp, role_in_deal="user")
    html = client_for(rep).get(url("assessments:chain", opp), **HTMX).content.decode()
    assert 'data-flag="decision_maker_unknown"' in html
    assert 'data-flag="no_guide"' in html
    assert 'data-testid="coverage"' in html


def test_chain_add_all_and_inline_edit(opp, team_member):
    ContactFactory(
        account=opp.account, name="张总", decision_role="decision_maker", attitude="supporter"
    )
    client = client_for(team_member)
    response = client.post(url("assessments:chain_add_all", opp), **HTMX)
    assert "张总" in response.content.decode()
    row = DealContact.objects.get()
    form = client.get(url("assessments:chain_edit", opp, row.pk), **HTMX).content.decode()
    assert 'data-testid="deal-contact-form"' in form
    data = {"role_in_deal": "decision_maker", "influence": "high", "attitude": "opponent",
            "solution_acceptance": "2", "price_acceptance": "1",
            "relationship_strategy": "请高层出面", "version": "0"}  # fmt: skip
    response = client.post(url("assessments:chain_edit", opp, row.pk), data, **HTMX)
    assert 'data-flag="decision_maker_opposed"' in response.content.decode()
    row.refresh_from_db()
    assert row.attitude == "opponent" and row.version == 1
    stale = client.post(url("assessments:chain_edit", opp, row.pk), data, **HTMX)
    assert str(STALE_MESSAGE) in stale.content.decode()


def test_chain_writes_refused_for_other_team(opp, other_rep, rep):
    row = DealContactFactory(opportunity=opp)
    client = client_for(other_rep)
    assert client.post(url("assessments:chain_add_all", opp), **HTMX).status_code == 404
    assert client.post(url("assessments:chain_remove", opp, row.pk), **HTMX).status_code == 404
    # A row of another deal cannot be reached through this deal's URL.
    other = DealContactFactory()
    assert (
        client_for(rep).post(url("assessments:chain_remove", opp, other.pk), **HTMX).status_code
        == 404
    )
    assert DealContact.objects.count() == 2


def test_action_plan_for_team_member(opp, team_member):
    client = client_for(team_member)
    data = {"title": "安排技术交流", "owner": team_member.pk, "due_date": "2026-12-01"}
    response = client.post(url("assessments:actions", opp), data, **HTMX)
    assert "安排技术交流" in response.content.decode()
    item = ActionItem.objects.get()
    assert item.owner == team_member
    response = client.post(
        url("assessments:action_done", opp, item.pk), {"result": "", "version": "0"}, **HTMX
    )
    assert 'data-field="result"' in response.content.decode()
    client.post(
        url("assessments:action_done", opp, item.pk),
        {"result": "客户确认需求", "version": "0"},
        **HTMX,
    )
    item.refresh_from_db()
    assert item.done and item.result == "客户确认需求"


def test_action_overdue_highlighted(opp, rep):
    ActionItemFactory(opportunity=opp, due_date=timezone.localdate() - timedelta(days=2))
    ActionItemFactory(opportunity=opp, due_date=timezone.localdate() + timedelta(days=20))
    html = client_for(rep).get(url("assessments:actions", opp), **HTMX).content.decode()
    assert html.count('data-testid="overdue"') == 1
    assert 'class="overdue"' in html


def test_action_edit_stale(opp, rep, manager):
    item = ActionItemFactory(opportunity=opp)
    data = {"title": "新标题", "owner": rep.pk, "due_date": "2026-12-20", "version": "0"}
    client_for(manager).post(url("assessments:action_edit", opp, item.pk), data, **HTMX)
    response = client_for(rep).post(
        url("assessments:action_edit", opp, item.pk), {**data, "title": "旧"}, **HTMX
    )
    assert str(STALE_MESSAGE) in response.content.decode()
    item.refresh_from_db()
    assert item.title == "新标题" and item.version == 1


def test_plain_post_redirects(opp, rep):
    data = {"title": "递交方案", "owner": rep.pk, "due_date": "2026-12-01"}
    response = client_for(rep).post(url("assessments:actions", opp), data)
    assert response.status_code == 302
    assert ActionItem.objects.filter(title="递交方案").exists()


@pytest.mark.parametrize("name", ["assessments:actions", "assessments:chain"])
def test_panels_query_count_does_not_grow(opp, rep, name, django_assert_max_num_queries):
    ActionItemFactory(opportunity=opp)
    DealContactFactory(opportunity=opp)
    client = client_for(rep)
    client.get(url(name, opp), **HTMX)  # warm the session and content types
    with django_assert_max_num_queries(16) as one:
        client.get(url(name, opp), **HTMX)
    for _ in range(2):
        ActionItemFactory(opportunity=opp)
        DealContactFactory(opportunity=opp)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url(name, opp), **HTMX)


def test_risk_badges(opp, stages):
    DealContactFactory(opportunity=opp, role_in_deal="user")
    badges = badges_for([opp.pk])[opp.pk]
    risk_badge = next(b for b in badges if b.label.startswith("高风险"))
    assert risk_badge.tone == "bad"
    assert "决策者不明" in risk_badge.title
    opp.stage = stages["won"]
    opp.save(update_fields=["stage"])
    assert not any(b.label.startswith("高风险") for b in badges_for([opp.pk])[opp.pk])


def test_chain_add_one_and_remove(opp, rep):
    contact = ContactFactory(account=opp.account, name="王处长", influence="high", closeness=4)
    client = client_for(rep)
    response = client.post(url("assessments:chain_add", opp), {"contact": contact.pk}, **HTMX)
    assert "王处长" in response.content.decode()
    row = DealContact.objects.get()
    assert row.influence == "high"
    # Someone of another account is not offered, and is refused when posted anyway.
    stranger = ContactFactory()
    response = client.post(url("assessments:chain_add", opp), {"contact": stranger.pk}, **HTMX)
    assert 'data-field="contact"' in response.content.decode()
    client.post(url("assessments:chain_remove", opp, row.pk), **HTMX)
    assert not DealContact.objects.exists()


def test_closed_deal_panels_are_read_only(opp, rep):
    opp.closed_at = timezone.now()
    opp.save(update_fields=["closed_at"])
    client = client_for(rep)
    assert (
        'data-testid="assessment-form"'
        not in client.get(url("assessments:assessment", opp), **HTMX).content.decode()
    )
    assert (
        'data-testid="action-add"'
        not in client.get(url("assessments:actions", opp), **HTMX).content.decode()
    )
    data = {"title": "x", "owner": rep.pk, "due_date": "2026-12-01"}
    response = client.post(url("assessments:actions", opp), data, **HTMX)
    assert "商机已关闭" in response.content.decode()
    assert not ActionItem.objects.exists()
