import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kam.audit.models import FieldChange
from kam.interactions.models import Attachment, Interaction
from kam.interactions.services import interaction_create
from tests.conftest import client_for
from tests.factories import InteractionFactory
from tests.interactions.conftest import PDF_BYTES, at, file_io, upload, visit_data

LIST = reverse("interactions:list")
CREATE = reverse("interactions:create")


def _form_post(**overrides):
    data = {
        "kind": "visit",
        "occurred_at": "2026-11-10T10:30",
        "subject": "信息化规划交流",
        "content": "介绍了整体方案。",
        "outcome": "院方认可方向",
    }
    data.update(overrides)
    return data


@pytest.fixture
def logged(account, rep, zhang):
    return interaction_create(
        account=account,
        actor=rep,
        data=visit_data(),
        our_participants=[rep],
        their_participants=[zhang],
        attachments=[upload("方案.pdf", PDF_BYTES)],
    )


# ---- create --------------------------------------------------------------------------------


def test_create_page_preselects_account_and_lists_its_contacts(account, rep, zhang, wang):
    response = client_for(rep).get(CREATE, {"account": account.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert account.name in html
    assert "张伟" in html and "王强" not in html
    assert 'type="datetime-local"' in html
    assert 'class="card interaction-form"' in html
    # The actor is preselected as our participant.
    assert re.search(rf'value="{rep.pk}"[^>]*checked', html)


def test_create_page_without_account_offers_loggable_accounts(account, other_account, rep):
    response = client_for(rep).get(CREATE)
    html = response.content.decode()
    assert response.status_code == 200
    assert account.name in html and other_account.name not in html


def test_create_posts_and_redirects_to_detail(account, rep, zhang, manager):
    data = _form_post(
        our_participants=[rep.pk],
        their_participants=[zhang.pk],
        accompanied="on",
        accompanied_by=manager.pk,
        next_step="送方案书",
        next_step_date="2026-11-20",
        attachments=[file_io("方案.pdf", PDF_BYTES)],
    )
    response = client_for(rep).post(f"{CREATE}?account={account.pk}", data)
    interaction = Interaction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == interaction.get_absolute_url()
    assert interaction.account == account
    assert interaction.accompanied_by == manager
    assert list(interaction.their_participants.all()) == [zhang]
    assert interaction.attachments.get().original_name == "方案.pdf"
    # Entered as local time (Asia/Shanghai): 10:30 there is 02:30 UTC.
    assert interaction.occurred_at == at(10).replace(minute=30)
    account.refresh_from_db()
    assert account.last_activity_at == interaction.occurred_at


def test_create_shows_field_errors_and_saves_nothing(account, rep):
    response = client_for(rep).post(
        f"{CREATE}?account={account.pk}",
        _form_post(subject="", kind="reception", attachments=[file_io("病毒.pdf", b"MZ\x90")]),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-field="subject"' in html
    assert not Interaction.objects.exists()


def test_create_bad_attachment_reports_file_name(account, rep):
    response = client_for(rep).post(
        f"{CREATE}?account={account.pk}",
        _form_post(attachments=[file_io("报价.pdf", b"<html>not a pdf</html>")]),
    )
    assert response.status_code == 200
    assert "报价.pdf" in response.content.decode()
    assert not Interaction.objects.exists()
    assert not Attachment.objects.exists()


def test_create_by_team_member_works(account, team_member):
    response = client_for(team_member).post(f"{CREATE}?account={account.pk}", _form_post())
    assert response.status_code == 302
    assert Interaction.objects.get().created_by == team_member


def test_create_for_invisible_account_is_404(account, other_rep):
    response = client_for(other_rep).get(CREATE, {"account": account.pk})
    assert response.status_code == 404
    response = client_for(other_rep).post(f"{CREATE}?account={account.pk}", _form_post())
    assert response.status_code == 404
    assert not Interaction.objects.exists()


def test_create_for_pool_account_is_403(rep):
    from tests.factories import AccountFactory

    pool = AccountFactory(owner=None, name="公海客户")
    response = client_for(rep).post(f"{CREATE}?account={pool.pk}", _form_post())
    assert response.status_code == 403
    assert not Interaction.objects.exists()


# ---- list ----------------------------------------------------------------------------------


def test_list_shows_only_visible_interactions(account, other_account, rep, other_rep):
    mine = InteractionFactory(account=account, subject="我的拜访")
    theirs = InteractionFactory(account=other_account, subject="别人的拜访")
    html = client_for(rep).get(LIST).content.decode()
    assert mine.subject in html and theirs.subject not in html
    html = client_for(other_rep).get(LIST).content.decode()
    assert theirs.subject in html and mine.subject not in html


@pytest.mark.parametrize("persona", ["manager", "director", "gm"])
def test_list_shows_team_interactions_to_managers_up_the_chain(request, account, persona):
    InteractionFactory(account=account, subject="团队拜访")
    user = request.getfixturevalue(persona)
    assert "团队拜访" in client_for(user).get(LIST).content.decode()


def test_list_filters(account, rep, manager):
    InteractionFactory(account=account, subject="电话沟通", kind="call", occurred_at=at(3))
    InteractionFactory(
        account=account, subject="陪同拜访", accompanied=True, accompanied_by=manager,
        next_step="报价", occurred_at=at(8),
    )  # fmt: skip
    client = client_for(rep)

    def subjects(**params):
        html = client.get(LIST, params).content.decode()
        return {s for s in ("电话沟通", "陪同拜访") if s in html}

    assert subjects(kind="call") == {"电话沟通"}
    assert subjects(accompanied="1") == {"陪同拜访"}
    assert subjects(has_next="1") == {"陪同拜访"}
    assert subjects(has_next="0") == {"电话沟通"}
    assert subjects(date_from="2026-11-05") == {"陪同拜访"}
    assert subjects(date_to="2026-11-05") == {"电话沟通"}
    assert subjects(account="第一人民") == {"电话沟通", "陪同拜访"}
    assert subjects(account="不存在") == set()
    assert subjects(author=rep.pk) == {"电话沟通", "陪同拜访"}


def test_list_empty_state(rep):
    html = client_for(rep).get(LIST).content.decode()
    assert "还没有拜访记录" in html


def test_list_sort_oldest_first(account, rep):
    InteractionFactory(account=account, subject="早", occurred_at=at(1))
    InteractionFactory(account=account, subject="晚", occurred_at=at(9))
    html = client_for(rep).get(LIST, {"sort": "occurred_at"}).content.decode()
    assert html.index(">早<") < html.index(">晚<")
    html = client_for(rep).get(LIST).content.decode()
    assert html.index(">晚<") < html.index(">早<")


@pytest.mark.parametrize("count", [1, 3])
def test_list_query_count_is_constant(
    account, rep, manager, zhang, li, count, django_assert_num_queries
):
    for n in range(count):
        interaction = InteractionFactory(
            account=account, subject=f"拜访{n}", accompanied_by=manager
        )
        interaction.our_participants.set([rep, manager])
        interaction.their_participants.set([zhang, li])
    client = client_for(rep)
    # session, user (with their permissions, for export, and reports-to walk), the saved views
    # (the default among them), author choices, the page, two participant prefetches
    with django_assert_num_queries(7):
        response = client.get(LIST)
    assert response.content.decode().count("data-interaction=") == count


# ---- detail / edit -------------------------------------------------------------------------


def test_detail_shows_attachments_and_history(logged, rep):
    html = client_for(rep).get(logged.get_absolute_url()).content.decode()
    attachment = logged.attachments.get()
    assert reverse("interactions:attachment_download", args=[attachment.pk]) in html
    assert "修改记录" in html and "主题" in html
    assert 'data-testid="edit-interaction"' in html


@pytest.mark.parametrize("persona", ["rep", "manager", "director", "gm", "solution_manager"])
def test_detail_visible_to_owner_chain_team_and_gm(request, logged, persona, account):
    from tests.factories import AccountTeamMemberFactory

    AccountTeamMemberFactory(account=account, user=request.getfixturevalue("solution_manager"))
    user = request.getfixturevalue(persona)
    response = client_for(user).get(logged.get_absolute_url())
    assert response.status_code == 200
    assert ('data-testid="edit-interaction"' in response.content.decode()) is (
        persona != "solution_manager"
    )


def test_detail_of_other_reps_interaction_is_404(logged, other_rep, other_manager):
    for user in (other_rep, other_manager):
        assert client_for(user).get(logged.get_absolute_url()).status_code == 404


def test_edit_updates_with_version_and_records_history(logged, rep, zhang):
    url = reverse("interactions:edit", args=[logged.pk])
    client = client_for(rep)
    form = client.get(url)
    assert form.status_code == 200
    assert 'name="version" value="0"' in form.content.decode()
    response = client.post(
        url, _form_post(subject="改过的主题", their_participants=[zhang.pk], version=0)
    )
    assert response.status_code == 302
    logged.refresh_from_db()
    assert logged.subject == "改过的主题" and logged.version == 1
    assert FieldChange.objects.filter(
        object_id=logged.pk, field="subject", new_value="改过的主题", actor=rep
    ).exists()


def test_edit_with_stale_version_shows_conflict(logged, rep):
    url = reverse("interactions:edit", args=[logged.pk])
    client = client_for(rep)
    client.post(url, _form_post(subject="第一次", version=0))
    response = client.post(url, _form_post(subject="第二次", version=0))
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    logged.refresh_from_db()
    assert logged.subject == "第一次"


def test_edit_forbidden_for_team_member_and_404_for_other_rep(logged, team_member, other_rep):
    url = reverse("interactions:edit", args=[logged.pk])
    assert client_for(team_member).get(url).status_code == 403
    assert client_for(team_member).post(url, _form_post(version=0)).status_code == 403
    assert client_for(other_rep).get(url).status_code == 404
    logged.refresh_from_db()
    assert logged.version == 0


# ---- attachments ---------------------------------------------------------------------------


def test_download_streams_file_as_attachment(logged, rep, manager):
    attachment = logged.attachments.get()
    url = reverse("interactions:attachment_download", args=[attachment.pk])
    for user in (rep, manager):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content) == PDF_BYTES


def test_download_invisible_attachment_is_404(logged, other_rep):
    attachment = logged.attachments.get()
    url = reverse("interactions:attachment_download", args=[attachment.pk])
    assert client_for(other_rep).get(url).status_code == 404


def test_upload_and_delete_attachment_on_detail(logged, rep):
    client = client_for(rep)
    url = reverse("interactions:attachment_upload", args=[logged.pk])
    response = client.post(url, {"files": [file_io("纪要.pdf", PDF_BYTES)]})
    assert response.status_code == 302
    assert logged.attachments.count() == 2
    response = client.post(url, {"files": [file_io("假的.png", b"not a png")]}, follow=True)
    assert "假的.png" in response.content.decode()
    assert logged.attachments.count() == 2
    added = logged.attachments.get(original_name="纪要.pdf")
    client.post(reverse("interactions:attachment_delete", args=[added.pk]))
    assert logged.attachments.count() == 1


def test_upload_forbidden_for_team_member(logged, team_member):
    url = reverse("interactions:attachment_upload", args=[logged.pk])
    response = client_for(team_member).post(url, {"files": [file_io("a.pdf", PDF_BYTES)]})
    assert response.status_code == 403
    assert logged.attachments.count() == 1


def test_default_time_is_now_in_local_time(account, rep):
    html = client_for(rep).get(CREATE, {"account": account.pk}).content.decode()
    local = timezone.localtime().strftime("%Y-%m-%dT")
    assert f'value="{local}' in html
