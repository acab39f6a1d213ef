import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kam.contacts.enums import Attitude, ContactStatus, DecisionRole
from kam.contacts.models import Contact, EngagementPlan, EngagementTouch, GuideCost, ScoreChange
from kam.contacts.services import contact_update_scores
from tests.conftest import client_for
from tests.factories import (
    AccountFactory,
    AccountTeamMemberFactory,
    ContactFactory,
    EngagementPlanFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def account(rep):
    return AccountFactory(owner=rep, name="陕西移动")


@pytest.fixture
def contact(account):
    return ContactFactory(account=account, name="刘总", title="副总经理")


def _form(**overrides):
    data = {
        "name": "王处长",
        "title": "采购处处长",
        "department": "采购处",
        "phone": "029-88886666",
        "email": "wang@example.com",
        "wechat": "",
        "reports_to": "",
        "background": "",
        "character": "",
        "decision_style": "",
        "preferences": "",
        "decision_role": DecisionRole.PROCUREMENT,
        "influence": "medium",
        "attitude": Attitude.NEUTRAL,
        "closeness": "2",
        "solution_acceptance": "3",
        "price_acceptance": "1",
        "guide_level": "0",
    }
    data.update(overrides)
    return data


# ---- visibility and edit rights per persona ----


def test_detail_owner_sees_forms(rep, contact):
    response = client_for(rep).get(reverse("contacts:detail", args=[contact.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "刘总" in body
    assert 'data-testid="score-form"' in body
    assert 'data-testid="status-form"' in body
    assert reverse("accounts:detail", args=[contact.account_id]) in body
    # date inputs need ISO values to prefill in the browser
    assert f'name="spent_on" value="{timezone.localdate().isoformat()}"' in body


def test_other_rep_gets_404_everywhere(other_rep, contact, account):
    client = client_for(other_rep)
    for url in [
        reverse("contacts:detail", args=[contact.pk]),
        reverse("contacts:edit", args=[contact.pk]),
        reverse("contacts:for_account", args=[account.pk]),
        reverse("contacts:create") + f"?account={account.pk}",
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("contacts:status", args=[contact.pk]), {"status": "left", "note": "x"}
    )
    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.status == ContactStatus.IN_POST
    assert "刘总" not in client.get(reverse("contacts:list")).content.decode()


@pytest.mark.parametrize("persona", ["manager", "director", "gm"])
def test_managers_and_gm_see_and_edit(request, persona, contact):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(reverse("contacts:detail", args=[contact.pk])).status_code == 200
    assert "刘总" in client.get(reverse("contacts:list")).content.decode()
    response = client.post(
        reverse("contacts:scores", args=[contact.pk]),
        {"closeness": "4", "solution_acceptance": "4", "price_acceptance": "3", "note": "上级跟进"},
    )
    assert response.status_code == 302
    assert ScoreChange.objects.get(contact=contact).actor == user


def test_other_manager_cannot_see(other_manager, contact):
    response = client_for(other_manager).get(reverse("contacts:detail", args=[contact.pk]))
    assert response.status_code == 404


def test_team_member_reads_but_cannot_write(colleague, contact, account):
    AccountTeamMemberFactory(account=account, user=colleague)
    client = client_for(colleague)
    response = client.get(reverse("contacts:detail", args=[contact.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<form method="post"' not in body
    assert 'data-testid="edit-contact"' not in body
    people = client.get(reverse("contacts:for_account", args=[account.pk])).content.decode()
    assert "刘总" in people and 'data-testid="add-contact"' not in people

    posts = [
        (reverse("contacts:edit", args=[contact.pk]), _form(version="0")),
        (reverse("contacts:create") + f"?account={account.pk}", _form()),
        (reverse("contacts:scores", args=[contact.pk]), {"closeness": "5",
         "solution_acceptance": "5", "price_acceptance": "5"}),
        (reverse("contacts:status", args=[contact.pk]), {"status": "left", "note": "走了"}),
        (reverse("contacts:guide_cost", args=[contact.pk]), {"kind": "money",
         "spent_on": "2026-11-01", "amount": "10"}),
    ]  # fmt: skip
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("contacts:edit", args=[contact.pk])).status_code == 403
    contact.refresh_from_db()
    assert (contact.closeness, contact.status) == (1, ContactStatus.IN_POST)
    assert Contact.objects.count() == 1
    assert not GuideCost.objects.exists()


def test_pool_account_is_read_only(rep):
    pool = AccountFactory(owner=None)
    person = ContactFactory(account=pool)
    client = client_for(rep)
    assert client.get(reverse("contacts:detail", args=[person.pk])).status_code == 200
    response = client.post(reverse("contacts:create") + f"?account={pool.pk}", _form())
    assert response.status_code == 403


# ---- create / edit ----


def test_create_saves_person_with_history(rep, account):
    boss = ContactFactory(account=account, name="总经理")
    url = reverse("contacts:create") + f"?account={account.pk}"
    assert client_for(rep).get(url).status_code == 200

    response = client_for(rep).post(url, _form(reports_to=str(boss.pk)))

    person = Contact.objects.get(name="王处长")
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:detail", args=[person.pk])
    assert person.account == account
    assert person.reports_to == boss
    assert (person.closeness, person.solution_acceptance, person.price_acceptance) == (2, 3, 1)
    assert ScoreChange.objects.filter(contact=person).count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "12345"),
        ("email", "not-an-email"),
        ("name", "  "),
        ("closeness", "7"),
        ("attitude", "hostile"),
    ],
)
def test_create_bad_input_shows_field_error_and_writes_nothing(rep, account, field, value):
    url = reverse("contacts:create") + f"?account={account.pk}"
    response = client_for(rep).post(url, _form(**{field: value}))
    assert response.status_code == 200
    assert f'data-field="{field}"' in response.content.decode()
    assert not Contact.objects.exists()
    assert not ScoreChange.objects.exists()


def test_create_refuses_boss_from_another_account(rep, account):
    stranger = ContactFactory(account=AccountFactory(owner=rep))
    url = reverse("contacts:create") + f"?account={account.pk}"
    response = client_for(rep).post(url, _form(reports_to=str(stranger.pk)))
    assert 'data-field="reports_to"' in response.content.decode()
    assert not Contact.objects.filter(account=account).exists()


def test_create_without_account_redirects_to_accounts(rep):
    response = client_for(rep).get(reverse("contacts:create"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:list")


def test_edit_form_only_offers_same_account_people(rep, account, contact):
    colleague_there = ContactFactory(account=account, name="同单位")
    elsewhere = ContactFactory(account=AccountFactory(owner=rep), name="别家的人")
    body = client_for(rep).get(reverse("contacts:edit", args=[contact.pk])).content.decode()
    match = re.search(r'<select name="reports_to".*?</select>', body, re.S)
    assert match is not None
    options = set(re.findall(r'<option value="(\d+)"', match.group(0)))
    assert options == {str(colleague_there.pk)}
    assert elsewhere.pk != colleague_there.pk


def test_edit_saves_and_bumps_version(rep, contact):
    url = reverse("contacts:edit", args=[contact.pk])
    response = client_for(rep).post(url, _form(name="刘总", title="总经理", version="0"))
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.title, contact.version) == ("总经理", 1)
    detail = client_for(rep).get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert 'data-testid="field-history"' in detail and "总经理" in detail


def test_edit_stale_version_refused(rep, manager, contact):
    url = reverse("contacts:edit", args=[contact.pk])
    client_for(manager).post(url, _form(name="刘总", title="经理改的", version="0"))
    response = client_for(rep).post(url, _form(name="刘总", title="我改的", version="0"))
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    contact.refresh_from_db()
    assert contact.title == "经理改的"


# ---- detail actions ----


def test_scores_htmx_roundtrip(rep, contact):
    client = client_for(rep)
    url = reverse("contacts:scores", args=[contact.pk])
    form = client.get(url, **HTMX)
    assert form.status_code == 200
    assert 'name="closeness"' in form.content.decode()
    assert "<html" not in form.content.decode()

    row = client.post(
        url,
        {"closeness": "5", "solution_acceptance": "4", "price_acceptance": "2", "note": "签约前"},
        **HTMX,
    )
    assert row.status_code == 200
    assert f'id="chain-{contact.pk}"' in row.content.decode()
    assert "●●●●●" in row.content.decode()
    contact.refresh_from_db()
    assert contact.closeness == 5
    assert ScoreChange.objects.get(contact=contact).note == "签约前"

    bad = client.post(
        url, {"closeness": "9", "solution_acceptance": "4", "price_acceptance": "2"}, **HTMX
    )
    assert 'data-field="closeness"' in bad.content.decode()
    assert ScoreChange.objects.count() == 1

    cancel = client.get(reverse("contacts:chain_row", args=[contact.pk]), **HTMX)
    assert f'id="chain-{contact.pk}"' in cancel.content.decode()


def test_detail_shows_score_trend_and_history(rep, contact):
    contact_update_scores(
        contact=contact, closeness=3, solution_acceptance=2, price_acceptance=2, note="第一次",
        actor=rep,
    )  # fmt: skip
    contact_update_scores(
        contact=contact, closeness=4, solution_acceptance=3, price_acceptance=2, note="第二次",
        actor=rep,
    )  # fmt: skip
    body = client_for(rep).get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert 'data-series="[[3, 2, 2], [4, 3, 2]]"' in body.replace("&quot;", '"')
    assert "关系紧密度" in body
    assert "第二次" in body
    assert "echarts.min.js" in body


def test_status_left_flags_account_and_greys_person(rep, contact, account):
    client = client_for(rep)
    response = client.post(
        reverse("contacts:status", args=[contact.pk]), {"status": "left", "note": "退休"}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.personnel_change_at is not None
    people = client.get(reverse("contacts:for_account", args=[account.pk])).content.decode()
    assert "person-card attitude-neutral gone" in people
    assert "需要重建信任" in people


def test_status_without_note_shows_error(rep, contact, account):
    response = client_for(rep).post(
        reverse("contacts:status", args=[contact.pk]), {"status": "left", "note": ""}
    )
    assert response.status_code == 200
    assert 'data-field="note"' in response.content.decode()
    account.refresh_from_db()
    assert account.personnel_change_at is None


def test_guide_cost_post_and_totals(rep, contact):
    client = client_for(rep)
    url = reverse("contacts:guide_cost", args=[contact.pk])
    client.post(url, {"kind": "money", "spent_on": "2026-11-01", "amount": "300.50"})
    client.post(url, {"kind": "time", "spent_on": "2026-11-02", "hours": "1.5"})
    bad = client.post(url, {"kind": "money", "spent_on": "2026-11-03", "amount": ""})
    assert 'data-field="amount"' in bad.content.decode()
    assert GuideCost.objects.count() == 2
    assert GuideCost.objects.get(kind="money").amount == Decimal("300.50")
    body = client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert "¥300.50" in body and "1.5" in body


def test_plan_create_touch_and_overdue_flag(rep, director, contact):
    client = client_for(rep)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        reverse("contacts:plan_create", args=[contact.pk]),
        {"our_executive": director.pk, "purpose": "总监拜访", "cadence_days": "14",
         "next_due": yesterday.isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    plan = EngagementPlan.objects.get(contact=contact)
    body = client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert 'data-testid="plan-overdue"' in body

    today = timezone.localdate()
    client.post(
        reverse("contacts:touch_record", args=[plan.pk]),
        {"touched_on": today.isoformat(), "note": "拜访完成"},
    )
    plan.refresh_from_db()
    assert plan.next_due == today + timedelta(days=14)
    assert EngagementTouch.objects.get(plan=plan).note == "拜访完成"
    body = client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert 'data-testid="plan-overdue"' not in body

    future = client.post(
        reverse("contacts:touch_record", args=[plan.pk]),
        {"touched_on": (today + timedelta(days=5)).isoformat()},
    )
    assert 'data-field="touched_on"' in future.content.decode()
    assert EngagementTouch.objects.count() == 1

    client.post(reverse("contacts:plan_deactivate", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.active is False


def test_plan_actions_by_other_rep_are_404(other_rep, contact):
    plan = EngagementPlanFactory(contact=contact)
    client = client_for(other_rep)
    assert client.post(reverse("contacts:plan_deactivate", args=[plan.pk])).status_code == 404
    response = client.post(
        reverse("contacts:touch_record", args=[plan.pk]), {"touched_on": "2026-11-01"}
    )
    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.active is True


# ---- account fragment and list ----


def test_for_account_htmx_fragment_and_plain_page(rep, account, contact):
    ContactFactory(account=account, name="下属", reports_to=contact)
    client = client_for(rep)
    url = reverse("contacts:for_account", args=[account.pk])
    fragment = client.get(url, **HTMX).content.decode()
    assert "<html" not in fragment
    assert 'data-testid="orgchart"' in fragment and 'data-testid="decision-chain"' in fragment
    assert fragment.index("刘总") < fragment.index("下属")
    assert f"{reverse('contacts:create')}?account={account.pk}" in fragment
    page = client.get(url).content.decode()
    assert "<html" in page and 'data-testid="orgchart"' in page


def test_for_account_empty_state(rep, account):
    body = client_for(rep).get(reverse("contacts:for_account", args=[account.pk])).content
    assert "还没有关键人" in body.decode()


def _count_queries(client, url, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_for_account_query_count_constant(rep, account, django_assert_num_queries):
    client = client_for(rep)
    url = reverse("contacts:for_account", args=[account.pk])
    boss = ContactFactory(account=account)
    client.get(url)  # warm up session and content types
    one = _count_queries(client, url, **HTMX)
    ContactFactory(account=account, reports_to=boss)
    ContactFactory(account=account, reports_to=boss, status=ContactStatus.LEFT)
    with django_assert_num_queries(one):
        response = client.get(url, **HTMX)
    assert response.content.decode().count('data-testid="person-card"') == 3


def test_list_query_count_constant(rep, django_assert_num_queries):
    client = client_for(rep)
    account = AccountFactory(owner=rep)
    ContactFactory(account=account)
    client.get(reverse("contacts:list"))
    one = _count_queries(client, reverse("contacts:list"))
    ContactFactory(account=AccountFactory(owner=rep))
    ContactFactory(account=account)
    with django_assert_num_queries(one):
        response = client.get(reverse("contacts:list"))
    assert response.content.decode().count('href="/contacts/') >= 3


def test_list_filters(rep, account):
    ContactFactory(
        account=account, name="支持者", attitude=Attitude.SUPPORTER, guide_level=2,
        decision_role=DecisionRole.DECISION_MAKER,
    )  # fmt: skip
    ContactFactory(account=account, name="反对者", attitude=Attitude.OPPONENT, department="财务部")
    ContactFactory(account=AccountFactory(owner=rep, name="另一家"), name="别家人")
    client = client_for(rep)

    def names(query):
        body = client.get(reverse("contacts:list"), query).content.decode()
        return {n for n in ("支持者", "反对者", "别家人") if n in body}

    assert names({}) == {"支持者", "反对者", "别家人"}
    assert names({"attitude": "supporter"}) == {"支持者"}
    assert names({"decision_role": "decision_maker"}) == {"支持者"}
    assert names({"guide_min": "1"}) == {"支持者"}
    assert names({"q": "财务"}) == {"反对者"}
    assert names({"account": "另一家"}) == {"别家人"}
    assert names({"status": "left"}) == set()
    empty = client.get(reverse("contacts:list"), {"status": "left"}).content.decode()
    assert "没有符合条件的关键人" in empty


def test_list_empty_state(rep):
    assert "还没有关键人" in client_for(rep).get(reverse("contacts:list")).content.decode()


def test_list_paginates(rep, account):
    for i in range(51):
        ContactFactory(account=account, name=f"人{i:02d}")
    client = client_for(rep)
    first = client.get(reverse("contacts:list")).content.decode()
    assert 'rel="next"' in first
    second = client.get(reverse("contacts:list"), {"page": "2"}).content.decode()
    assert "人50" in second and 'rel="prev"' in second
