"""Merging duplicate accounts (R-ACC-4): everything moves to the target, the source goes."""

from datetime import UTC, datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kam.accounts.merging import account_merge
from kam.accounts.models import (
    Account,
    AccountMerge,
    AccountTeamMember,
    CoreFieldVerification,
    GradeChange,
    OwnerChange,
)
from kam.accounts.services import account_create, account_update
from kam.audit.models import FieldChange
from kam.contacts.models import Contact
from kam.interactions.models import Interaction
from kam.search.models import SearchDocument
from kam.search.selectors import search_query
from kam.search.services import search_index_account, search_index_contact, search_index_interaction
from kam.users.services import api_token_create
from tests.accounts.helpers import credit_code, make_account
from tests.conftest import client_for
from tests.factories import (
    AccountTeamMemberFactory,
    ContactFactory,
    InteractionFactory,
    UserFactory,
)

CODE = credit_code("91610000220530187")


def _pair(owner, source_owner=None, **source_fields):
    target = make_account(name="西安市第一医院", owner=owner, city="")
    source = make_account(
        name="西安第一医院", owner=source_owner or owner, city="西安", **source_fields
    )
    return source, target


def _history(account):
    content_type = ContentType.objects.get_for_model(Account)
    return FieldChange.objects.filter(content_type=content_type, object_id=account.pk)


# ---- the service --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_merge_moves_everything_and_deletes_the_source(rep, colleague, solution_manager):
    target = account_create(
        actor=rep, name="西安市第一医院", industry="healthcare", province="陕西", level="city",
        owner=rep, description="三甲医院。",
    )  # fmt: skip
    source = account_create(
        actor=rep, name="西安第一医院", industry="healthcare", province="陕西", level="city",
        owner=rep, credit_code=CODE, city="西安", website="https://xa1.example.cn",
        purchase_scenario="continuous", size="lt10000", description="信息科主任换人。",
        confirm_not_duplicate=True,
    )  # fmt: skip
    source = account_update(
        account=source, actor=rep, version=source.version, changes={"grade": "A"}
    )
    contact = ContactFactory(account=source, name="王主任")
    search_index_contact(contact)
    interaction = InteractionFactory(account=source, subject="信息化规划交流", content="甲骨文迁移")
    search_index_interaction(interaction)
    child = make_account(name="西安第一医院分院", owner=rep, parent=source)
    AccountTeamMemberFactory(account=source, user=solution_manager, role="solution")
    AccountTeamMemberFactory(account=source, user=colleague, role="delivery")
    AccountTeamMemberFactory(account=target, user=colleague, role="service")
    CoreFieldVerification.objects.create(
        account=source, field="credit_code", value=CODE, method="license", verified_by=rep
    )
    activity = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    personnel = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
    Account.objects.filter(pk=source.pk).update(
        last_activity_at=activity, personnel_change_at=personnel
    )
    Account.objects.filter(pk=target.pk).update(last_activity_at=datetime(2026, 1, 1, tzinfo=UTC))
    source.refresh_from_db()
    target.refresh_from_db()
    source_pk, version = source.pk, target.version

    merged = account_merge(source=source, target=target, reason="同一家医院，重复录入", actor=rep)

    assert not Account.objects.filter(pk=source_pk).exists()
    merged.refresh_from_db()
    assert Contact.objects.get(pk=contact.pk).account_id == target.pk
    assert Interaction.objects.get(pk=interaction.pk).account_id == target.pk
    assert Account.objects.get(pk=child.pk).parent_id == target.pk
    members = dict(AccountTeamMember.objects.filter(account=target).values_list("user_id", "role"))
    # colleague was already on the target: their role there stays; solution_manager moved.
    assert members == {colleague.pk: "service", solution_manager.pk: "solution"}
    assert set(GradeChange.objects.filter(account=target).values_list("to_grade", flat=True)) == {
        "C", "A",
    }  # fmt: skip
    assert OwnerChange.objects.filter(account=target).count() == 2
    assert CoreFieldVerification.objects.get(account=target).value == CODE
    # Empty target fields filled; owner and grade kept; description appended.
    assert merged.credit_code == CODE
    assert merged.city == "西安"
    assert merged.website == "https://xa1.example.cn"
    assert (merged.purchase_scenario, merged.size) == ("continuous", "lt10000")
    assert merged.description == "三甲医院。\n\n信息科主任换人。"
    assert (merged.owner_id, merged.grade, merged.name) == (rep.pk, "C", "西安市第一医院")
    assert merged.last_activity_at == activity
    assert merged.personnel_change_at == personnel
    assert merged.version == version + 1
    # The merge is recorded, and the source's whole field history now belongs to the target.
    record = AccountMerge.objects.get(target=target)
    assert (record.source_id, record.source_name, record.source_credit_code) == (
        source_pk, "西安第一医院", CODE,
    )  # fmt: skip
    assert record.reason == "同一家医院，重复录入"
    assert record.actor == rep
    assert record.moved["contacts"] == 1
    assert record.moved["interactions"] == 1
    assert record.moved["children"] == 1
    assert record.moved["members"] == 1
    history = _history(target)
    merge_entry = history.get(field="merge")
    assert merge_entry.field_label == "合并"
    assert "西安第一医院" in merge_entry.new_value
    assert history.filter(field="credit_code", new_value=CODE).count() == 2  # source's + fill
    assert history.filter(field="grade", new_value="A 类").exists()  # the source's grade edit
    assert not _history(source).exists()
    # Search: the source's own document is gone, its people and interactions are the target's.
    assert not SearchDocument.objects.filter(kind="account", object_id=source_pk).exists()
    assert not SearchDocument.objects.filter(account_id=source_pk).exists()
    hits = search_query(user=rep, q="甲骨文迁移").hits
    assert [(hit.kind, hit.object_id, hit.account_id) for hit in hits] == [
        ("interaction", interaction.pk, target.pk)
    ]
    assert search_query(user=rep, q="王主任").hits[0].account_id == target.pk
    account_document = SearchDocument.objects.get(kind="account", object_id=target.pk)
    assert CODE in account_document.body


@pytest.mark.django_db
def test_merge_keeps_the_targets_credit_code_when_both_have_one(rep):
    other = credit_code("91610000220530188")
    source, target = _pair(rep, credit_code=other)
    Account.objects.filter(pk=target.pk).update(credit_code=CODE)
    target.refresh_from_db()
    merged = account_merge(source=source, target=target, reason="重复", actor=rep)
    assert merged.credit_code == CODE
    assert AccountMerge.objects.get().source_credit_code == other


@pytest.mark.django_db
def test_merge_fills_the_parent_unless_it_would_loop(rep):
    group = make_account(name="陕西省卫健委", owner=rep, level="group")
    source, target = _pair(rep, parent=group)
    merged = account_merge(source=source, target=target, reason="重复", actor=rep)
    assert merged.parent_id == group.pk

    # The source's parent sits below the target: the target keeps no parent.
    top = make_account(name="某集团", owner=rep, level="group")
    below = make_account(name="某集团分公司", owner=rep, level="province", parent=top)
    duplicate = make_account(name="某集团（重复）", owner=rep, level="group", parent=below)
    merged = account_merge(source=duplicate, target=top, reason="重复", actor=rep)
    assert merged.parent_id is None


@pytest.mark.django_db
def test_merge_refuses_the_account_itself(rep):
    account = make_account(owner=rep)
    with pytest.raises(ValidationError) as raised:
        account_merge(source=account, target=account, reason="重复", actor=rep)
    assert "source" in raised.value.error_dict
    assert Account.objects.filter(pk=account.pk).exists()
    assert not AccountMerge.objects.exists()


@pytest.mark.django_db
def test_merge_refuses_a_target_below_the_source(rep):
    top = make_account(name="中国电信集团", owner=rep, level="group")
    middle = make_account(name="陕西电信", owner=rep, level="province", parent=top)
    bottom = make_account(name="西安电信", owner=rep, level="city", parent=middle)
    with pytest.raises(ValidationError) as raised:
        account_merge(source=top, target=bottom, reason="重复", actor=rep)
    assert "source" in raised.value.error_dict
    assert Account.objects.filter(pk=top.pk).exists()
    assert Account.objects.get(pk=middle.pk).parent_id == top.pk
    # The other way round is fine.
    account_merge(source=bottom, target=top, reason="重复", actor=rep)
    assert not Account.objects.filter(pk=bottom.pk).exists()


@pytest.mark.django_db
def test_merge_requires_a_reason(rep):
    source, target = _pair(rep)
    with pytest.raises(ValidationError) as raised:
        account_merge(source=source, target=target, reason="  ", actor=rep)
    assert "reason" in raised.value.error_dict
    assert Account.objects.filter(pk=source.pk).exists()


@pytest.mark.django_db
def test_merge_refuses_a_stale_version(rep):
    source, target = _pair(rep)
    with pytest.raises(ValidationError) as raised:
        account_merge(
            source=source, target=target, reason="重复", actor=rep,
            target_version=target.version + 5,
        )  # fmt: skip
    assert raised.value.code == "stale"
    assert Account.objects.filter(pk=source.pk).exists()


@pytest.mark.django_db
def test_merge_permissions(rep, colleague, other_rep, manager, gm):
    mine = make_account(owner=rep)
    theirs = make_account(owner=other_rep)
    with pytest.raises(PermissionDenied):
        account_merge(source=theirs, target=mine, reason="重复", actor=rep)
    with pytest.raises(PermissionDenied):
        account_merge(source=mine, target=theirs, reason="重复", actor=rep)
    # A team member only reads.
    AccountTeamMemberFactory(account=mine, user=colleague)
    colleagues = make_account(owner=colleague)
    with pytest.raises(PermissionDenied):
        account_merge(source=colleagues, target=mine, reason="重复", actor=colleague)
    # The manager edits both of their reps' accounts.
    account_merge(source=colleagues, target=mine, reason="重复", actor=manager)
    assert not Account.objects.filter(pk=colleagues.pk).exists()
    # The GM merges anything.
    account_merge(source=theirs, target=mine, reason="重复", actor=gm)
    assert not Account.objects.filter(pk=theirs.pk).exists()
    assert AccountMerge.objects.filter(target=mine).count() == 2


@pytest.mark.django_db
def test_merge_query_count_does_not_depend_on_how_much_moves(gm, django_assert_num_queries):
    owner = UserFactory()

    def setup(rows):
        source, target = _pair(owner)
        for _ in range(rows):
            contact = ContactFactory(account=source)
            search_index_contact(contact)
            interaction = InteractionFactory(account=source)
            search_index_interaction(interaction)
            AccountTeamMemberFactory(account=source)
            make_account(owner=owner, parent=source)
        search_index_account(source)
        return source, target

    ContentType.objects.get_for_model(Account)
    source, target = setup(1)
    with CaptureQueriesContext(connection) as one:
        account_merge(source=source, target=target, reason="重复", actor=gm)
    source, target = setup(5)
    with django_assert_num_queries(len(one.captured_queries)):
        account_merge(source=source, target=target, reason="重复", actor=gm)
    assert Interaction.objects.filter(account=target).count() == 5
    assert AccountMerge.objects.get(target=target).moved["interactions"] == 5


# ---- the page ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_merge_page_lists_similar_candidates_and_previews(rep, other_rep):
    source, target = _pair(rep, purchase_scenario="occasional")
    make_account(name="西安市第一医院（他人）", owner=other_rep)
    ContactFactory(account=source)
    InteractionFactory.create_batch(2, account=source)
    client = client_for(rep)
    url = reverse("accounts:merge", args=[target.pk])

    response = client.get(url)
    assert response.status_code == 200
    assert [a.pk for a in response.context["candidates"]] == [source.pk]  # not other_rep's
    assert response.context["preview"] is None

    response = client.get(url, {"q": "第一医院"})
    assert [a.pk for a in response.context["candidates"]] == [source.pk]

    response = client.get(url, {"source": source.pk})
    preview = response.context["preview"]
    assert (preview.contacts, preview.interactions, preview.children, preview.members) == (
        1, 2, 0, 0,
    )  # fmt: skip
    assert ("城市", "西安") in preview.fills
    assert ("采购场景", "偶发性购买") in preview.fills
    content = response.content.decode()
    assert 'data-testid="merge-form"' in content
    assert 'data-preview="interactions">2<' in content


@pytest.mark.django_db
def test_merge_page_post_merges_and_redirects(rep):
    source, target = _pair(rep)
    InteractionFactory(account=source)
    client = client_for(rep)
    url = reverse("accounts:merge", args=[target.pk])
    response = client.post(
        url,
        {
            "source": source.pk, "reason": "重复录入", "confirm": "on",
            "source_version": source.version, "target_version": target.version,
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert response.url == target.get_absolute_url()
    assert not Account.objects.filter(pk=source.pk).exists()
    assert Interaction.objects.get().account_id == target.pk
    history = client.get(
        reverse("accounts:history", args=[target.pk]), headers={"HX-Request": "true"}
    )
    assert [m.source_name for m in history.context["merges"]] == ["西安第一医院"]
    assert 'data-testid="merge-history"' in history.content.decode()


@pytest.mark.django_db
def test_merge_page_without_confirmation_or_reason_changes_nothing(rep):
    source, target = _pair(rep)
    client = client_for(rep)
    url = reverse("accounts:merge", args=[target.pk])
    response = client.post(url, {"source": source.pk, "reason": ""})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"reason", "confirm"}
    assert response.context["preview"] is not None
    assert Account.objects.filter(pk=source.pk).exists()


@pytest.mark.django_db
def test_merge_page_shows_service_errors(rep):
    top = make_account(name="中国电信集团", owner=rep, level="group")
    bottom = make_account(name="西安电信", owner=rep, level="city", parent=top)
    client = client_for(rep)
    response = client.post(
        reverse("accounts:merge", args=[bottom.pk]),
        {"source": top.pk, "reason": "重复", "confirm": "on"},
    )
    assert response.status_code == 400
    assert "形成循环" in response.content.decode()
    assert Account.objects.filter(pk=top.pk).exists()


@pytest.mark.django_db
def test_merge_page_permissions(rep, colleague, other_rep, manager):
    mine = make_account(owner=rep)
    theirs = make_account(owner=other_rep)
    url = reverse("accounts:merge", args=[mine.pk])
    # Another rep's account by URL: 404.
    assert client_for(rep).get(reverse("accounts:merge", args=[theirs.pk])).status_code == 404
    assert client_for(rep).get(url, {"source": theirs.pk}).status_code == 404
    # A team member sees the account but may not merge it.
    AccountTeamMemberFactory(account=mine, user=colleague)
    assert client_for(colleague).get(url).status_code == 403
    detail = client_for(colleague).get(mine.get_absolute_url()).content.decode()
    assert 'data-testid="merge-account"' not in detail
    assert (
        'data-testid="merge-account"'
        in client_for(rep).get(mine.get_absolute_url()).content.decode()
    )
    # The manager merges two of their reps' accounts.
    colleagues = make_account(owner=colleague)
    response = client_for(manager).post(
        url, {"source": colleagues.pk, "reason": "重复", "confirm": "on"}
    )
    assert response.status_code == 302
    assert not Account.objects.filter(pk=colleagues.pk).exists()


# ---- the API -------------------------------------------------------------------------------------


@pytest.fixture
def api(client):
    def for_user(user):
        _token, key = api_token_create(user=user, name="t")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        return client

    return for_user


def _merge_url(account):
    return f"/api/accounts/{account.pk}/merge"


@pytest.mark.django_db
def test_api_merge_returns_the_target(api, rep):
    source, target = _pair(rep)
    InteractionFactory(account=source)
    response = api(rep).post(
        _merge_url(target),
        {"source_id": source.pk, "reason": "重复录入"},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["city"]) == (target.pk, "西安")
    assert not Account.objects.filter(pk=source.pk).exists()
    assert AccountMerge.objects.get().reason == "重复录入"


@pytest.mark.django_db
def test_api_merge_errors(api, rep, colleague, other_rep):
    source, target = _pair(rep)
    theirs = make_account(owner=other_rep)
    client = api(rep)

    def post(account, **payload):
        return client.post(_merge_url(account), payload, content_type="application/json")

    assert post(theirs, source_id=source.pk, reason="重复").status_code == 404
    assert post(target, source_id=theirs.pk, reason="重复").status_code == 404
    response = post(target, source_id=source.pk, reason="")
    assert response.status_code == 422
    assert "reason" in response.json()["errors"]
    response = post(target, source_id=target.pk, reason="重复")
    assert response.status_code == 422
    assert "source_id" in response.json()["errors"]
    AccountTeamMemberFactory(account=target, user=colleague)
    AccountTeamMemberFactory(account=source, user=colleague)
    colleague_client = api(colleague)
    response = colleague_client.post(
        _merge_url(target), {"source_id": source.pk, "reason": "重复"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 403
    assert Account.objects.filter(pk=source.pk).exists()
