"""Search over the real index, identical on SQLite and PostgreSQL (CI runs this file on both)."""

from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from kam.accounts.services import account_change_owner
from kam.search.models import DocumentKind, SearchDocument
from kam.search.selectors import search_query, snippet
from kam.search.services import (
    search_index_account,
    search_index_contact,
    search_index_interaction,
    search_rebuild,
    search_remove,
)
from tests.factories import (
    AccountFactory,
    AccountTeamMemberFactory,
    ContactFactory,
    InteractionFactory,
)

LONG_NOTE = (
    "上午十点到达客户总部，先与信息中心对接了机房改造的进度，随后在三楼会议室见了采购副总，"
    "他表示今年的预算已经批下来，希望我们在下月中旬之前提交华为云与本地部署两套方案的对比。"
    "Huawei Cloud 的报价需要再核实一次。"
)


def titles(user, q, **kwargs):
    return [hit.title for hit in search_query(user=user, q=q, **kwargs)]


@pytest.fixture
def world(rep, other_rep):
    """Rep's account with a person and a visit note; other rep's account with a similar note."""
    account = AccountFactory(name="陕西移动西安分公司", owner=rep)
    search_index_account(account)
    person = ContactFactory(account=account, name="张伟", title="采购副总")
    search_index_contact(person)
    visit = InteractionFactory(
        account=account, subject="机房改造进度沟通", content=LONG_NOTE,
        outcome="张伟答应协调5G专网测试。",
    )  # fmt: skip
    search_index_interaction(visit)
    other_account = AccountFactory(name="宁夏电力", owner=other_rep)
    search_index_account(other_account)
    other_visit = InteractionFactory(
        account=other_account, subject="电力调度系统交流", content="和采购副总谈了云平台。"
    )
    search_index_interaction(other_visit)
    return {
        "account": account, "person": person, "visit": visit,
        "other_account": other_account, "other_visit": other_visit,
    }  # fmt: skip


def test_search_finds_phrase_inside_long_sentence_when_rep_searches(world, rep):
    hits = search_query(user=rep, q="采购副总", kinds=[DocumentKind.INTERACTION])
    assert [h.object_id for h in hits] == [world["visit"].pk]
    hit = hits.hits[0]
    assert "<mark>采购副总</mark>" in hit.snippet
    assert hit.url == f"/interactions/{world['visit'].pk}/"
    assert hit.account_name == "陕西移动西安分公司"


def test_search_finds_two_char_name_in_contact_and_note_when_searching_zhang_wei(world, rep):
    hits = search_query(user=rep, q="张伟")
    assert {(h.kind, h.object_id) for h in hits} == {
        ("contact", world["person"].pk),
        ("interaction", world["visit"].pk),
    }
    contact_hit = next(h for h in hits if h.kind == "contact")
    assert contact_hit.title_html == "<mark>张伟</mark> 采购副总"
    assert contact_hit.url == f"/contacts/{world['person'].pk}/"


def test_search_finds_two_char_word_when_searching_fu_zong(world, rep):
    assert set(titles(rep, "副总")) == {"张伟 采购副总", "机房改造进度沟通"}


def test_search_single_char_is_prefix_match(world, rep):
    assert "陕西移动西安分公司" in titles(rep, "陕")
    assert "陕西移动西安分公司" in titles(rep, "司")  # last character of a run


def test_search_english_is_case_insensitive_with_prefix_for_last_word(world, rep):
    assert titles(rep, "huawei") == ["机房改造进度沟通"]
    assert titles(rep, "CLOUD") == ["机房改造进度沟通"]
    assert titles(rep, "clo") == ["机房改造进度沟通"]
    assert titles(rep, "huaweicloud") == []


def test_search_mixed_query_needs_every_part(world, rep):
    assert titles(rep, "5G 专网") == ["机房改造进度沟通"]
    assert titles(rep, "5G专网") == ["机房改造进度沟通"]
    assert titles(rep, "5G 光纤") == []


def test_search_word_order_matters_when_bigrams_are_reordered(world, rep):
    assert titles(rep, "副采") == []
    assert titles(rep, "总副购采") == []
    assert titles(rep, "不存在的词") == []


def test_search_without_index_terms_returns_nothing_without_querying(
    world, rep, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert list(search_query(user=rep, q="  ，。!? ")) == []
        assert list(search_query(user=rep, q="")) == []


def test_search_escapes_html_in_snippets(rep):
    account = AccountFactory(
        name="<b>恶意</b>公司", owner=rep, description="<script>alert(1)</script>采购"
    )
    search_index_account(account)
    hit = search_query(user=rep, q="采购").hits[0]
    assert hit.title_html == "&lt;b&gt;恶意&lt;/b&gt;公司"
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "<mark>采购</mark>" in hit.snippet


def test_search_reindexes_updates_and_forgets_deletes(world, rep):
    visit = world["visit"]
    visit.content = "改为讨论数据中心迁移。"
    visit.outcome = ""
    visit.save()
    search_index_interaction(visit)
    assert titles(rep, "采购副总", kinds=["interaction"]) == []
    assert titles(rep, "数据中心迁移") == ["机房改造进度沟通"]
    assert SearchDocument.objects.filter(kind="interaction", object_id=visit.pk).count() == 1

    search_remove(kind=DocumentKind.INTERACTION, object_id=visit.pk)
    assert titles(rep, "数据中心迁移") == []
    assert not SearchDocument.objects.filter(kind="interaction", object_id=visit.pk).exists()


def test_search_hides_other_reps_accounts_from_rep(world, rep):
    found = {h.object_id for h in search_query(user=rep, q="采购副总", kinds=["interaction"])}
    assert world["other_visit"].pk not in found
    assert titles(rep, "宁夏电力") == []


def test_an_owner_change_leaves_the_document_and_moves_who_finds_it(world, rep, other_rep, gm):
    account = world["account"]
    document = SearchDocument.objects.get(kind=DocumentKind.ACCOUNT, object_id=account.pk)

    account_change_owner(account=account, owner=other_rep, reason="调整分工", actor=gm)

    assert SearchDocument.objects.get(pk=document.pk).terms == document.terms
    assert "陕西移动西安分公司" not in titles(rep, "陕西移动")
    assert "陕西移动西安分公司" in titles(other_rep, "陕西移动")
    assert "机房改造进度沟通" in titles(other_rep, "机房改造")


def test_search_lets_manager_find_reps_note(world, manager):
    assert titles(manager, "机房改造") == ["机房改造进度沟通"]
    assert titles(manager, "电力调度") == []  # other team


def test_search_lets_team_member_find_notes_of_accounts_they_work_on(world, other_rep):
    assert titles(other_rep, "机房改造") == []
    AccountTeamMemberFactory(account=world["account"], user=other_rep)
    assert titles(other_rep, "机房改造") == ["机房改造进度沟通"]


def test_search_lets_gm_find_everything(world, gm):
    found = {h.object_id for h in search_query(user=gm, q="采购副总", kinds=["interaction"])}
    assert found == {world["visit"].pk, world["other_visit"].pk}


def test_search_filters_by_kind(world, gm):
    assert [h.kind for h in search_query(user=gm, q="陕西移动", kinds=["account"])] == ["account"]


@pytest.mark.parametrize("persona", ["rep", "gm"])
def test_search_pages_newest_first_with_before_id(persona, request):
    rep = request.getfixturevalue("rep")
    user = request.getfixturevalue(persona)
    account = AccountFactory(owner=rep)
    for day in range(1, 6):
        visit = InteractionFactory(
            account=account, subject=f"第{day}次交流", content="讨论数据治理",
            occurred_at=datetime(2026, 11, day, tzinfo=UTC),
        )  # fmt: skip
        search_index_interaction(visit)
    first = search_query(user=user, q="数据治理", limit=2)
    assert [h.title for h in first] == ["第5次交流", "第4次交流"]
    assert first.next_before_id == first.hits[-1].id
    second = search_query(user=user, q="数据治理", limit=2, before_id=first.next_before_id)
    assert [h.title for h in second] == ["第3次交流", "第2次交流"]
    third = search_query(user=user, q="数据治理", limit=2, before_id=second.next_before_id)
    assert [h.title for h in third] == ["第1次交流"]
    assert third.next_before_id is None


@pytest.mark.parametrize("count", [1, 3])
def test_search_query_count_is_bounded_when_hits_grow(
    manager, rep, count, django_assert_max_num_queries
):
    account = AccountFactory(owner=rep)
    for _ in range(count):
        search_index_interaction(InteractionFactory(account=account, content="讨论数据治理"))
        search_index_contact(ContactFactory(account=account, background="负责数据治理"))
    with django_assert_max_num_queries(3):
        hits = search_query(user=manager, q="数据治理")
        assert len(hits) == 2 * count
        assert all(h.account_name == account.name for h in hits)


def test_search_rebuild_recreates_documents_from_scratch(world, rep, gm):
    SearchDocument.objects.all().delete()
    SearchDocument.objects.create(
        kind="interaction", object_id=999999, account=world["account"], title="过时的记录",
        terms="过时 时的 的记 记录 录",
    )  # fmt: skip
    assert titles(gm, "采购副总") == []
    counts = search_rebuild(batch_size=2)
    assert counts == {
        "account": 2, "contact": 1, "interaction": 2, "opportunity": 0, "quote": 0, "approval": 0,
        "lead": 0, "pool": 0, "intent": 0, "review": 0, "review_comment": 0, "contract": 0,
        "invoice": 0, "receipt": 0,
    }  # fmt: skip
    assert titles(gm, "过时") == []
    assert set(titles(gm, "采购副总")) == {"张伟 采购副总", "机房改造进度沟通", "电力调度系统交流"}
    assert titles(rep, "电力") == []
    # The index keeps following changes after the rebuild.
    visit = world["visit"]
    visit.subject = "重建之后改的主题"
    visit.save()
    search_index_interaction(visit)
    assert titles(gm, "重建之后") == ["重建之后改的主题"]


def test_search_rebuild_command_reports_progress(world, gm):
    from io import StringIO

    out = StringIO()
    call_command("search_rebuild", "--batch-size", "1", stdout=out)
    assert "interaction: 2" in out.getvalue()
    assert "Indexed 5 documents" in out.getvalue()
    assert titles(gm, "张伟", kinds=["contact"]) == ["张伟 采购副总"]


def test_snippet_marks_latin_words_from_their_start_only():
    assert snippet("Huawei Cloud 与 cloudflare, icloud", "clo") == (
        "Huawei <mark>Clo</mark>ud 与 <mark>clo</mark>udflare, icloud"
    )


def test_snippet_cuts_around_first_match():
    text = "甲" * 100 + "采购副总" + "乙" * 100
    assert snippet(text, "采购副总") == "…" + "甲" * 40 + "<mark>采购副总</mark>" + "乙" * 40 + "…"


def test_search_indexes_very_long_notes(rep):
    account = AccountFactory(owner=rep)
    long_text = "开头见了采购副总" + "，".join(["讨论数据中心的建设方案"] * 2000) + "结尾提到预算"
    search_index_interaction(InteractionFactory(account=account, content=long_text))
    assert len(titles(rep, "采购副总")) == 1
    assert len(titles(rep, "数据中心")) == 1
