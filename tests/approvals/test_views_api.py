"""The approval pages and API: inbox tabs, detail and decisions, conflicts, chains, queries."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kam.approvals.chains import chain_effective, chain_token
from kam.approvals.models import Approval, ApprovalChainStep
from kam.approvals.registry import ChainRule
from kam.approvals.services import approval_approve, approval_return
from tests.approvals.conftest import TEST_TYPE
from tests.conftest import client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"|\son[a-z]+=\"", re.I)


def _csp_clean(html: str) -> bool:
    return not INLINE_SCRIPT.search(html) and not INLINE_STYLE.search(html)


def test_inbox_tabs(submit, rep, manager, director):
    approval = submit()
    waiting = client_for(manager).get(reverse("approvals:inbox"))
    assert waiting.status_code == 200
    assert approval.title in waiting.text
    assert _csp_clean(waiting.text)
    assert approval.title not in client_for(director).get(reverse("approvals:inbox")).text
    mine = client_for(rep).get(reverse("approvals:inbox") + "?box=mine")
    assert approval.title in mine.text and "孙经理" in mine.text  # the current approver
    approval_approve(approval=approval, actor=manager, version=approval.version)
    decided = client_for(manager).get(reverse("approvals:inbox") + "?box=decided")
    assert approval.title in decided.text
    assert approval.title in client_for(director).get(reverse("approvals:inbox")).text
    filtered = client_for(rep).get(reverse("approvals:inbox") + "?box=mine&status=approved")
    assert approval.title not in filtered.text
    assert "没有符合条件的审批" in filtered.text
    empty = client_for(rep).get(reverse("approvals:inbox"))
    assert "没有待您审批的申请" in empty.text


def test_inbox_query_count_is_the_same_for_one_and_three_rows(
    submit, rep, manager, django_assert_max_num_queries
):
    client = client_for(manager)
    submit()
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("approvals:inbox")).status_code == 200
    for _ in range(2):
        submit(account=AccountFactory(owner=rep))
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("approvals:inbox"))
    assert len(response.context["rows"]) == 3


def test_api_list_query_count_is_the_same_for_one_and_three_rows(
    submit, rep, manager, api_client, django_assert_max_num_queries
):
    client = api_client(manager)
    submit()
    client.get("/api/approvals/?box=waiting")  # the first call stamps the token's last use
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/approvals/?box=waiting").json()["items"]) == 1
    for _ in range(2):
        submit(account=AccountFactory(owner=rep))
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get("/api/approvals/?box=waiting").json()["items"]) == 3


def test_detail_shows_steps_and_the_decision_form_only_to_the_current_approver(
    submit, rep, manager, director
):
    approval = submit(amount=Decimal("1500000.00"))
    url = reverse("approvals:detail", args=[approval.pk])
    page = client_for(manager).get(url)
    assert page.status_code == 200
    assert _csp_clean(page.text)
    assert 'data-testid="approve"' in page.text
    assert "¥1,500,000.00" in page.text
    assert "新概况" in page.text  # the payload, as a key/value table
    assert approval.account.name in page.text
    director_page = client_for(director).get(url)
    assert 'data-testid="approve"' not in director_page.text
    rep_page = client_for(rep).get(url)
    assert 'data-testid="approve"' not in rep_page.text
    assert 'data-testid="withdraw"' in rep_page.text


def test_approve_reject_return_and_resubmit_through_the_pages(
    submit, test_type, rep, manager, director
):
    approval = submit()
    client = client_for(manager)
    response = client.post(
        reverse("approvals:approve", args=[approval.pk]),
        {"version": approval.version, "comment": "同意"},
    )
    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.current_position == 2
    no_comment = client_for(director).post(
        reverse("approvals:return", args=[approval.pk]), {"version": approval.version}
    )
    assert no_comment.status_code == 400
    assert "必填" in no_comment.text
    returned = client_for(director).post(
        reverse("approvals:return", args=[approval.pk]),
        {"version": approval.version, "comment": "请补充"},
    )
    assert returned.status_code == 302
    approval.refresh_from_db()
    assert approval.status == "returned"
    page = client_for(rep).get(reverse("approvals:detail", args=[approval.pk]))
    assert 'data-testid="resubmit"' in page.text
    resubmitted = client_for(rep).post(
        reverse("approvals:resubmit", args=[approval.pk]),
        {"version": approval.version, "title": "补充后再提交", "amount": "10.00"},
    )
    assert resubmitted.status_code == 302
    approval.refresh_from_db()
    assert (approval.status, approval.round, approval.amount) == ("pending", 2, Decimal("10.00"))


def test_a_stale_page_shows_the_conflict_message(submit, manager):
    approval = submit()
    response = client_for(manager).post(
        reverse("approvals:approve", args=[approval.pk]), {"version": approval.version + 5}
    )
    assert response.status_code == 400
    assert "已被他人修改" in response.text
    approval.refresh_from_db()
    assert approval.current_position == 1


def test_withdraw_page_is_the_requesters(submit, rep, colleague, manager):
    approval = submit()
    url = reverse("approvals:withdraw", args=[approval.pk])
    assert client_for(manager).post(url, {"version": approval.version}).status_code == 403
    assert client_for(colleague).post(url, {"version": approval.version}).status_code == 404
    assert client_for(rep).post(url, {"version": approval.version}).status_code == 302
    approval.refresh_from_db()
    assert approval.status == "withdrawn"


@pytest.mark.parametrize("role", ["gm", "admin_user", "director", "manager", "rep", "finance"])
def test_chain_pages_are_admin_and_gm_only(request, test_type, role):
    user = request.getfixturevalue(role)
    client = client_for(user)
    allowed = role in {"gm", "admin_user"}
    chains = client.get(reverse("approvals:chains"))
    edit = client.get(reverse("approvals:chain_edit", args=[TEST_TYPE]))
    assert (chains.status_code, edit.status_code) == ((200, 200) if allowed else (403, 403))
    if allowed:
        assert "立项审批" in chains.text and "测试审批" in chains.text
        assert _csp_clean(chains.text) and _csp_clean(edit.text)


def _chain_post(token, rows, action="save"):
    data = {
        "token": token,
        "action": action,
        "rows-TOTAL_FORMS": len(rows),
        "rows-INITIAL_FORMS": len(rows),
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"rows-{index}-{key}"] = value
    return data


def test_chain_edit_page_reorders_adds_and_saves(test_type, admin_user, finance):
    client = client_for(admin_user)
    url = reverse("approvals:chain_edit", args=[TEST_TYPE])
    token = chain_token(TEST_TYPE)
    rows = [
        {"rule": "manager", "role": "", "user": "", "min_amount": ""},
        {"rule": "role", "role": "finance", "user": "", "min_amount": "500.00"},
    ]
    moved = client.post(url, _chain_post(token, rows, "up-1"))
    assert moved.status_code == 200
    assert [f.initial["rule"] for f in moved.context["formset"].forms] == ["role", "manager"]
    added = client.post(url, _chain_post(token, rows, "add"))
    assert len(added.context["formset"].forms) == 3
    assert not ApprovalChainStep.objects.exists()  # nothing saved by the buttons
    saved = client.post(url, _chain_post(token, list(reversed(rows))))
    assert saved.status_code == 302
    assert chain_effective(TEST_TYPE) == [
        ChainRule(rule="role", role="finance", min_amount=Decimal("500.00")),
        ChainRule(rule="manager"),
    ]
    stale = client.post(url, _chain_post(token, rows))
    assert stale.status_code == 400
    assert "已被他人修改" in stale.text
    invalid = client.post(
        url,
        _chain_post(
            chain_token(TEST_TYPE), [{"rule": "role", "role": "", "user": "", "min_amount": ""}]
        ),
    )
    assert invalid.status_code == 400
    assert "需要选择角色" in invalid.text


def test_api_get_decide_and_conflicts(submit, test_type, rep, manager, director, api_client):
    approval = submit()
    client = api_client(manager)
    body = client.get(f"/api/approvals/{approval.pk}").json()
    assert body["current_approver_id"] == manager.pk
    assert [s["status"] for s in body["steps"]] == ["pending", "waiting"]
    stale = client.post(
        f"/api/approvals/{approval.pk}/approve",
        {"version": approval.version + 1},
        content_type="application/json",
    )
    assert stale.status_code == 422
    assert "已被他人修改" in stale.json()["errors"]["__all__"][0]
    ok = client.post(
        f"/api/approvals/{approval.pk}/approve",
        {"version": approval.version, "comment": "同意"},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["current_approver_id"] == director.pk
    client = api_client(director)
    rejected = client.post(
        f"/api/approvals/{approval.pk}/reject",
        {"version": ok.json()["version"]},
        content_type="application/json",
    )
    assert rejected.status_code == 422
    assert "comment" in rejected.json()["errors"]
    approval_return(
        approval=Approval.objects.get(pk=approval.pk),
        actor=director,
        version=ok.json()["version"],
        comment="改",
    )
    client = api_client(rep)
    version = Approval.objects.get(pk=approval.pk).version
    floaty = client.post(
        f"/api/approvals/{approval.pk}/resubmit",
        {"version": version, "amount": 12.5},
        content_type="application/json",
    )
    assert floaty.status_code == 422
    resubmitted = client.post(
        f"/api/approvals/{approval.pk}/resubmit",
        {"version": version, "amount": "12.50", "payload": {"description": "再来"}},
        content_type="application/json",
    )
    assert resubmitted.status_code == 200, resubmitted.content
    assert (resubmitted.json()["amount"], resubmitted.json()["round"]) == ("12.50", 2)
    mine = client.get("/api/approvals/?box=mine").json()["items"]
    assert [a["id"] for a in mine] == [approval.pk]


def test_api_types_lists_the_catalogue_with_chains(rep, api_client):
    types = {t["code"]: t for t in api_client(rep).get("/api/approvals/types").json()}
    assert {"initiation", "discount", "account_core_change", "bid"} <= set(types)
    assert types["initiation"]["label"] == "立项审批"
    assert types["initiation"]["chain"][-1]["min_amount"] == "1000000.00"
