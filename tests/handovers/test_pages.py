"""Handover pages: pick the user, preview (htmx), confirm, detail, reverse, deactivate."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kam.accounts.models import Account
from kam.handovers.models import Handover
from kam.handovers.services.execution import handover_execute
from kam.handovers.services.planning import Assignments
from tests.conftest import client_for
from tests.factories import AccountFactory


def test_start_page_lists_only_people_in_scope(manager, rep, colleague, other_rep):
    page = client_for(manager).get("/handovers/new/")
    assert page.status_code == 200
    body = page.content.decode()
    assert str(rep) in body and str(colleague) in body and str(other_rep) not in body


def test_user_page_shows_holdings_and_preview_then_confirm(manager, rep, colleague, holdings):
    client = client_for(manager)
    page = client.get(f"/handovers/user/{rep.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "西安热电厂" in body and 'data-kind="account">2<' in body
    preview = client.post(
        f"/handovers/user/{rep.pk}/", {"everything": colleague.pk}, HTTP_HX_REQUEST="true"
    )
    assert preview.status_code == 200
    fragment = preview.content.decode()
    assert "确认交接" in fragment and "<html" not in fragment and "锅炉改造" in fragment
    assert not Handover.objects.exists()  # preview writes nothing
    fingerprint = preview.context["preview"].fingerprint
    done = client.post(
        f"/handovers/user/{rep.pk}/execute/",
        {"everything": colleague.pk, "note": "离职", "fingerprint": fingerprint},
    )
    handover = Handover.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/handovers/{handover.pk}/"
    assert handover.note == "离职"
    assert not Account.objects.filter(owner=rep).exists()
    detail = client.get(done["Location"]).content.decode()
    assert "宝鸡机床厂" in detail and "撤销（反向交接）" in detail


def test_preview_with_problem_has_no_confirm_button(manager, rep, holdings):
    response = client_for(manager).post(
        f"/handovers/user/{rep.pk}/", {"to_account": manager.pk}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "未指定接收人" in body and "确认交接" not in body


def test_execute_with_stale_preview_shows_error(manager, rep, colleague, holdings):
    response = client_for(manager).post(
        f"/handovers/user/{rep.pk}/execute/", {"everything": colleague.pk, "fingerprint": "x"}
    )
    assert response.status_code == 422
    assert "重新预览" in response.content.decode()
    assert not Handover.objects.exists()


def test_per_account_receiver_from_the_page(manager, rep, colleague, holdings):
    first, second = holdings.accounts
    client_for(manager).post(
        f"/handovers/user/{rep.pk}/execute/",
        {"everything": manager.pk, f"account_{second.pk}": colleague.pk},
    )
    assert Account.objects.get(pk=second.pk).owner == colleague
    assert Account.objects.get(pk=first.pk).owner == manager


def test_reverse_button(manager, rep, colleague, holdings):
    handover = handover_execute(
        from_user=rep, assignments=Assignments(everything=colleague), actor=manager
    )
    response = client_for(manager).post(f"/handovers/{handover.pk}/reverse/")
    reversal = Handover.objects.get(reverses=handover)
    assert response["Location"] == f"/handovers/{reversal.pk}/"
    assert Account.objects.filter(owner=rep).count() == 2


def test_receiver_sees_only_their_items(manager, rep, colleague, holdings):
    helper_account = holdings.accounts[1]
    handover = handover_execute(
        from_user=rep,
        assignments=Assignments(everything=manager, per_account={helper_account.pk: colleague}),
        actor=manager,
    )
    page = client_for(colleague).get(f"/handovers/{handover.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "宝鸡机床厂" in body and "西安热电厂" not in body
    assert "撤销（反向交接）" not in body
    assert client_for(colleague).post(f"/handovers/{handover.pk}/reverse/").status_code == 403


def test_deactivate_button(manager, rep, colleague):
    client = client_for(manager)
    AccountFactory(owner=rep)
    refused = client.post(f"/handovers/user/{rep.pk}/deactivate/", {"confirm": "on"})
    assert refused.status_code == 422 and "仍有未交接的工作" in refused.content.decode()
    rep.refresh_from_db()
    assert rep.is_active
    done = client.post(f"/handovers/user/{rep.pk}/deactivate/", {"confirm": "on", "force": "on"})
    assert done.status_code == 302
    rep.refresh_from_db()
    assert not rep.is_active
    # The deactivated rep's page stays reachable for their manager.
    assert client.get(f"/handovers/user/{rep.pk}/").status_code == 200


def test_list_query_count_does_not_grow(manager, rep, colleague, django_assert_num_queries):
    client = client_for(manager)

    def make_one():
        AccountFactory(owner=rep)
        handover_execute(
            from_user=rep, assignments=Assignments(everything=colleague), actor=manager
        )
        Account.objects.update(owner=rep)

    make_one()
    client.get("/handovers/")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/handovers/").status_code == 200
    baseline = len(one.captured_queries)
    make_one()
    make_one()
    with django_assert_num_queries(baseline):
        page = client.get("/handovers/")
    assert len(page.context["page_obj"].object_list) == 3


def test_user_page_query_count_does_not_grow(manager, rep, colleague, django_assert_num_queries):
    client = client_for(manager)
    AccountFactory(owner=rep)
    client.get(f"/handovers/user/{rep.pk}/")
    with CaptureQueriesContext(connection) as one:
        client.get(f"/handovers/user/{rep.pk}/")
    baseline = len(one.captured_queries)
    for _ in range(19):
        AccountFactory(owner=rep)
    with django_assert_num_queries(baseline):
        client.get(f"/handovers/user/{rep.pk}/")
