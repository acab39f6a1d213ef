"""Leads, pool events, intent class changes and review notes in the search (SQLite and
PostgreSQL): indexed by their own services, seen like their account (or, without one, by the
owner's reporting line), and rebuilt identically."""

import pytest
from django.test import Client

from kam.accounts.rules import account_can_view
from kam.intents.services import intent_change_record
from kam.leads.models import Lead
from kam.leads.services.conversion import lead_convert
from kam.leads.services.leads import lead_create, lead_disqualify, lead_update
from kam.pools.services.claims import pool_claim, pool_release
from kam.pools.services.protection import default_pool, placement_refresh
from kam.reviews.models import ReviewItem
from kam.reviews.selectors import rep_local_today
from kam.reviews.services.generation import review_sheet_generate
from kam.reviews.services.sheets import review_comment_add, review_item_note
from kam.search.models import DocumentKind, SearchDocument
from kam.search.selectors import search_query
from kam.search.services import search_index_opportunity, search_rebuild
from kam.users.services import api_token_create
from tests.conftest import client_for
from tests.factories import AccountFactory, AccountTeamMemberFactory, OpportunityFactory

ROLES = [
    "rep", "colleague", "manager", "other_rep", "other_manager", "director", "gm", "admin_user",
    "finance",
]  # fmt: skip
REP_LINE = {"rep", "manager", "director", "gm", "admin_user"}
CONFIRMED = {"budget": "confirmed", "authority": "confirmed", "need": "confirmed",
             "timeline": "confirmed"}  # fmt: skip


def hits(user, q, kind=None):
    return list(search_query(user=user, q=q, kinds=[kind] if kind else None))


def found_by(request, q, kind):
    """The roles that find a document of `kind` for `q`."""
    return {role for role in ROLES if hits(request.getfixturevalue(role), q, kind)}


def new_lead(rep, **data):
    return lead_create(
        actor=rep,
        data={
            "company_name": "渭南新能源装备有限公司", "source": "referral",
            "problem": "现有MES系统无法对接ERP", "phone": "13800138000", "intent_class": "B",
            **data,
        },
    )  # fmt: skip


def pooled():
    account = AccountFactory(owner=None, name="咸阳纺织集团")
    placement_refresh(account)
    return account


NEW_KINDS = ["lead", "pool", "intent", "review", "review_comment"]


def documents():
    return set(
        SearchDocument.objects.filter(kind__in=NEW_KINDS).values_list(
            "kind",
            "object_id",
            "account_id",
            "owner_id",
            "url",
            "title",
            "body",
            "terms",
            "occurred_at",
        )
    )


# Leads


def test_lead_is_indexed_on_create_update_and_disqualify(rep):
    lead = new_lead(rep)
    [hit] = hits(rep, "新能源", DocumentKind.LEAD)
    assert (hit.title, hit.url, hit.account_id, hit.account_name) == (
        "渭南新能源装备有限公司", f"/leads/{lead.pk}/", None, ""
    )  # fmt: skip
    assert hit.kind_label == "线索"
    assert [h.object_id for h in hits(rep, "mes")] == [lead.pk]
    assert [h.object_id for h in hits(rep, "13800138000")] == [lead.pk]
    lead = lead_update(lead=lead, actor=rep, version=lead.version,
                       changes={"need_note": "需要数字孪生平台"})  # fmt: skip
    assert [h.object_id for h in hits(rep, "数字孪生", DocumentKind.LEAD)] == [lead.pk]
    lead_disqualify(lead=lead, actor=rep, version=lead.version, reason="预算取消 budget cut")
    assert [h.object_id for h in hits(rep, "预算取消", DocumentKind.LEAD)] == [lead.pk]
    assert [h.object_id for h in hits(rep, "budget", DocumentKind.LEAD)] == [lead.pk]


def test_account_less_lead_is_found_by_its_owners_reporting_line_only(request, rep):
    new_lead(rep)
    assert found_by(request, "新能源装备", DocumentKind.LEAD) == REP_LINE
    # Its class history has no account either and is seen the same way.
    assert found_by(request, "新能源装备", DocumentKind.INTENT) == REP_LINE


def test_reassigned_account_less_lead_and_its_history_follow_the_new_owner(
    request, rep, colleague, manager
):
    lead = new_lead(rep)
    lead_update(lead=lead, actor=manager, version=lead.version, changes={"owner": colleague})
    expected = {"colleague", "manager", "director", "gm", "admin_user"}
    assert found_by(request, "新能源装备", DocumentKind.LEAD) == expected
    assert found_by(request, "新能源装备", DocumentKind.INTENT) == expected


def test_renamed_lead_renames_its_class_history_and_matches_a_rebuild(rep):
    lead = new_lead(rep)
    lead_update(lead=lead, actor=rep, version=lead.version,
                changes={"company_name": "铜川智能仓储有限公司", "intent_class": "A"})  # fmt: skip
    titles = [h.title for h in hits(rep, "智能仓储", DocumentKind.INTENT)]
    assert titles == ["铜川智能仓储有限公司 意向等级 B → A", "铜川智能仓储有限公司 意向等级 — → B"]
    incremental = documents()
    search_rebuild()
    assert documents() == incremental


def test_lead_of_an_account_is_seen_exactly_as_the_account(request, rep, other_rep):
    account = AccountFactory(owner=rep)
    AccountTeamMemberFactory(account=account, user=other_rep)
    new_lead(rep, account=account)
    expected = {role for role in ROLES if account_can_view(request.getfixturevalue(role), account)}
    assert "other_rep" in expected and "colleague" not in expected
    assert found_by(request, "新能源装备", DocumentKind.LEAD) == expected


def test_conversion_moves_the_lead_and_its_history_to_the_new_account(request, rep, other_rep):
    lead = new_lead(rep, **CONFIRMED)
    assert found_by(request, "新能源装备", DocumentKind.LEAD) == REP_LINE
    deal = lead_convert(lead=lead, actor=rep, version=lead.version, data={
        "industry": "manufacturing", "province": "陕西", "level": "city",
    })  # fmt: skip
    lead.refresh_from_db()
    document = SearchDocument.objects.get(kind=DocumentKind.LEAD, object_id=lead.pk)
    assert document.account_id == deal.account_id
    intent_accounts = set(
        SearchDocument.objects.filter(kind=DocumentKind.INTENT).values_list("account_id", flat=True)
    )
    assert intent_accounts == {deal.account_id}
    # Visibility now follows the account: a team member of it finds the lead.
    AccountTeamMemberFactory(account=deal.account, user=other_rep)
    assert "other_rep" in found_by(request, "新能源装备", DocumentKind.LEAD)
    [hit] = hits(rep, "新能源装备", DocumentKind.LEAD)
    assert hit.account_name == deal.account.name


# Pool events


def test_pool_claim_and_release_are_indexed_and_seen_like_the_account(request, rep):
    pool = default_pool()
    account = pooled()
    pool_claim(account_id=account.pk, actor=rep)
    [hit] = hits(rep, "领取", DocumentKind.POOL)
    assert (hit.title, hit.url, hit.account_id, hit.kind_label) == (
        f"领取 · {pool.name}", f"/accounts/{account.pk}/", account.pk, "公海记录"
    )  # fmt: skip
    account.refresh_from_db()
    owned = {role for role in ROLES if account_can_view(request.getfixturevalue(role), account)}
    assert "colleague" not in owned
    assert found_by(request, "领取", DocumentKind.POOL) == owned
    pool_release(account=account, actor=rep, reason="客户转型 phase2 暂停", version=account.version)
    # Back in the pool (no owner): everyone who sees pool accounts finds both events.
    account.refresh_from_db()
    assert account.owner_id is None
    assert all(account_can_view(request.getfixturevalue(role), account) for role in ROLES)
    assert found_by(request, "客户转型", DocumentKind.POOL) == set(ROLES)
    assert found_by(request, "phase2", DocumentKind.POOL) == set(ROLES)
    assert found_by(request, "领取", DocumentKind.POOL) == set(ROLES)


# Intent changes


def test_deal_class_change_is_indexed_and_links_to_the_deal(request, rep):
    deal = OpportunityFactory(account=AccountFactory(owner=rep), owner=rep, name="智慧园区二期")
    intent_change_record(subject=deal, from_class="B", to_class="A", actor=rep,
                         reason="客户高层确认 budget 2027")  # fmt: skip
    [hit] = hits(rep, "高层确认", DocumentKind.INTENT)
    assert (hit.title, hit.url, hit.account_id) == (
        "智慧园区二期 意向等级 B → A", f"/opportunities/{deal.pk}/", deal.account_id
    )  # fmt: skip
    assert [h.object_id for h in hits(rep, "2027", DocumentKind.INTENT)] == [hit.object_id]
    assert found_by(request, "高层确认", DocumentKind.INTENT) == REP_LINE


def test_renamed_deal_renames_its_class_history(rep):
    deal = OpportunityFactory(account=AccountFactory(owner=rep), owner=rep, name="智慧园区二期")
    intent_change_record(subject=deal, from_class="B", to_class="A", actor=rep)
    deal.name = "智慧园区三期"
    deal.save()
    search_index_opportunity(deal)
    titles = [h.title for h in hits(rep, "三期", DocumentKind.INTENT)]
    assert titles == ["智慧园区三期 意向等级 B → A"]


# Review notes and comments


@pytest.fixture
def sheet(rep):
    OpportunityFactory(account=AccountFactory(owner=rep, name="西安高新医院"), owner=rep,
                       name="影像云平台", intent_class="A")  # fmt: skip
    new_lead(rep, company_name="宝鸡重工有限公司")
    return review_sheet_generate(rep=rep, day=rep_local_today(rep))


def test_review_note_is_indexed_and_forgotten_when_cleared(request, rep, sheet):
    item = ReviewItem.objects.get(sheet=sheet, opportunity__isnull=False)
    assert not hits(rep, "影像云平台", DocumentKind.REVIEW)  # nothing written yet
    item = review_item_note(item=item, actor=rep, rep_note="客户要求下周演示", next_step="安排POC",
                            version=item.version)  # fmt: skip
    [hit] = hits(rep, "演示", DocumentKind.REVIEW)
    sheet_url = f"/reviews/sheets/{rep.pk}/{sheet.day.isoformat()}/"
    assert (hit.url, hit.account_name, hit.kind_label) == (sheet_url, "西安高新医院", "理单")
    assert hit.title.startswith("影像云平台")
    assert [h.object_id for h in hits(rep, "poc")] == [item.pk]
    assert found_by(request, "演示", DocumentKind.REVIEW) == REP_LINE
    review_item_note(item=item, actor=rep, rep_note="", next_step="", version=item.version)
    assert not SearchDocument.objects.filter(kind=DocumentKind.REVIEW).exists()


def test_review_note_on_account_less_lead_belongs_to_the_reps_line(request, rep, sheet):
    item = ReviewItem.objects.get(sheet=sheet, lead__isnull=False)
    review_item_note(item=item, actor=rep, rep_note="董事长本周出差", next_step="",
                     version=item.version)  # fmt: skip
    assert found_by(request, "董事长", DocumentKind.REVIEW) == REP_LINE


def test_review_comments_on_sheet_and_item_are_indexed(request, rep, manager, sheet):
    review_comment_add(sheet=sheet, actor=manager, body="注意回款节奏 Q4")
    [hit] = hits(rep, "回款节奏", DocumentKind.REVIEW_COMMENT)
    assert hit.account_id is None and hit.url == sheet.get_absolute_url()
    assert [h.object_id for h in hits(rep, "q4")] == [hit.object_id]
    assert found_by(request, "回款节奏", DocumentKind.REVIEW_COMMENT) == REP_LINE
    item = ReviewItem.objects.get(sheet=sheet, opportunity__isnull=False)
    review_comment_add(sheet=sheet, actor=manager, body="先锁定信息科主任", item=item)
    [hit] = hits(rep, "信息科", DocumentKind.REVIEW_COMMENT)
    assert hit.account_id == item.opportunity.account_id
    assert hit.title == f"{manager} 点评：影像云平台"


# Rebuild, query count, pages


def test_rebuild_produces_the_same_documents_as_incremental_indexing(rep, manager, sheet):
    account = pooled()
    pool_claim(account_id=account.pk, actor=rep)
    released = pooled()
    pool_claim(account_id=released.pk, actor=rep)
    released.refresh_from_db()
    pool_release(account=released, actor=rep, reason="预算冻结", version=released.version)
    lead = Lead.objects.get(company_name="宝鸡重工有限公司")
    lead_update(lead=lead, actor=rep, version=lead.version, changes=CONFIRMED)
    lead.refresh_from_db()
    lead_convert(lead=lead, actor=rep, version=lead.version, data={"account": account.pk})
    for item in ReviewItem.objects.filter(sheet=sheet):
        review_item_note(item=item, actor=rep, rep_note=f"备注{item.pk}", next_step="",
                         version=item.version)  # fmt: skip
        review_comment_add(sheet=sheet, actor=manager, body="好", item=item)
    review_comment_add(sheet=sheet, actor=manager, body="整体不错")
    incremental = documents()
    kinds = {row[0] for row in incremental}
    assert kinds == set(NEW_KINDS)
    counts = search_rebuild(batch_size=2)
    assert documents() == incremental
    assert counts["review_comment"] == 3 and counts["pool"] == 3
    assert hits(rep, "整体不错")


@pytest.mark.parametrize("count", [1, 3])
def test_search_query_count_is_unchanged_with_account_less_documents(
    manager, rep, count, django_assert_max_num_queries
):
    account = pooled()
    pool_claim(account_id=account.pk, actor=rep)
    account.refresh_from_db()
    pool_release(account=account, actor=rep, reason="数据治理不再跟进", version=account.version)
    for n in range(count):
        new_lead(rep, company_name=f"数据治理咨询{n}号")
    # The same bound as for account documents (tests/search/test_search.py).
    with django_assert_max_num_queries(3):
        found = search_query(user=manager, q="数据治理")
        assert len(found) == 2 * count + 1  # each lead, its first class, the release
        assert {h.account_id for h in found} == {None, account.pk}


def test_results_page_and_api_show_the_new_kinds(rep, sheet):
    lead = Lead.objects.get(company_name="宝鸡重工有限公司")
    response = client_for(rep).get("/search/", {"q": "宝鸡重工"})
    html = response.content.decode()
    assert f'href="/leads/{lead.pk}/"' in html
    assert 'data-kind="lead"' in html
    tabs = {t["kind"]: t["label"] for t in response.context["tabs"]}
    assert {tabs[k] for k in NEW_KINDS} == {
        "线索", "公海记录", "意向等级变更", "理单", "理单点评",
    }  # fmt: skip
    response = client_for(rep).get("/search/", {"q": "宝鸡重工", "kind": "intent"})
    assert [h.kind for h in response.context["found"]] == ["intent"]
    _token, key = api_token_create(user=rep, name="t")
    body = (
        Client()
        .get("/api/search", {"q": "宝鸡重工", "kind": "lead"}, HTTP_AUTHORIZATION=f"Bearer {key}")
        .json()
    )
    assert [(i["kind"], i["account_id"], i["url"]) for i in body["items"]] == [
        ("lead", None, f"/leads/{lead.pk}/")
    ]
