from datetime import timedelta

import pytest
from django.urls import reverse

from kam.accounts.models import GradeChange, OwnerChange
from kam.contacts.models import ScoreChange
from kam.interactions.selectors import TIMELINE_SOURCES, account_timeline
from tests.conftest import client_for
from tests.factories import InteractionFactory
from tests.interactions.conftest import at


def _score(contact, when, closeness, solution=1, price=1):
    row = ScoreChange.objects.create(
        contact=contact, closeness=closeness, solution_acceptance=solution,
        price_acceptance=price,
    )  # fmt: skip
    ScoreChange.objects.filter(pk=row.pk).update(changed_at=when)
    return row


def _grade(account, when, old, new, actor=None):
    row = GradeChange.objects.create(
        account=account, from_grade=old, to_grade=new, reason="年采购额上升", actor=actor
    )
    GradeChange.objects.filter(pk=row.pk).update(changed_at=when)
    return row


def _owner(account, when, old, new):
    row = OwnerChange.objects.create(account=account, from_owner=old, to_owner=new)
    OwnerChange.objects.filter(pk=row.pk).update(changed_at=when)
    return row


def test_timeline_merges_four_sources_newest_first(account, rep, colleague, zhang, other_account):
    InteractionFactory(account=account, subject="首次拜访", occurred_at=at(1))
    _score(zhang, at(2), closeness=2)
    _grade(account, at(3), "C", "B")
    _owner(account, at(4), colleague, rep)
    _score(zhang, at(5), closeness=3, solution=2)
    InteractionFactory(account=account, subject="方案交流", occurred_at=at(6))
    InteractionFactory(account=other_account, subject="别的客户", occurred_at=at(7))

    items = account_timeline(account=account)

    assert [i.kind for i in items] == [
        "interaction", "score", "owner", "grade", "score", "interaction",
    ]  # fmt: skip
    assert [i.at for i in items] == sorted((i.at for i in items), reverse=True)
    assert items[0].title == "方案交流"
    assert items[1].title == "张伟 关系 2→3 · 方案 1→2"
    assert items[4].title.startswith("张伟 初始评分")
    assert "B 类" in items[3].title and "C 类" in items[3].title
    assert "李销售" in items[2].title and "周销售" in items[2].title
    assert all(i.title != "别的客户" for i in items)


def test_score_changes_show_old_to_new(account, zhang, li):
    _score(zhang, at(1), closeness=2, solution=3, price=1)
    _score(li, at(2), closeness=4)
    _score(zhang, at(3), closeness=4, solution=3, price=2)
    _score(zhang, at(4), closeness=4, solution=3, price=2)

    items = account_timeline(account=account)

    assert [i.title for i in items] == [
        "张伟 评分未变",
        "张伟 关系 2→4 · 价格 1→2",
        "李娜 初始评分 关系 4 · 方案 1 · 价格 1",
        "张伟 初始评分 关系 2 · 方案 3 · 价格 1",
    ]
    assert items[1].url == zhang.get_absolute_url()


def test_timeline_respects_limit_and_before(account, zhang):
    for day in range(1, 11):
        InteractionFactory(account=account, occurred_at=at(day))
        _score(zhang, at(day, hour=3), closeness=1 + day % 5)
    items = account_timeline(account=account, limit=5)
    assert len(items) == 5
    assert items[0].at == at(10, hour=3)
    older = account_timeline(account=account, before=items[-1].at, limit=5)
    assert len(older) == 5
    assert older[0].at < items[-1].at
    # Deltas stay correct on later pages: each row compares with the contact's previous row.
    assert all("→" in i.title for i in older if i.kind == "score")


def test_timeline_sources_are_extensible(account, rep):
    from kam.interactions.selectors import TimelineItem, TimelineSource, timeline_register_source

    def payment(values):
        return TimelineItem(at=values["at"], kind="payment", title=f"回款 {values['reason']}")

    source = TimelineSource(
        events=lambda account_id: GradeChange.objects.filter(account_id=account_id, reason="10 万"),
        at="changed_at",
        kind="payment",
        show={"reason": "reason"},
        item=payment,
    )
    timeline_register_source(source)
    try:
        GradeChange.objects.create(account=account, from_grade="C", to_grade="B", reason="10 万")
        items = account_timeline(account=account)
        assert [i.kind for i in items] == ["payment", "grade"]
        assert items[0].title == "回款 10 万"
    finally:
        TIMELINE_SOURCES.remove(source)


@pytest.mark.parametrize("count", [1, 3])
def test_timeline_query_count_is_constant(
    account, rep, colleague, zhang, count, django_assert_num_queries
):
    for n in range(count):
        interaction = InteractionFactory(account=account, occurred_at=at(n + 1))
        interaction.our_participants.set([rep])
        interaction.their_participants.set([zhang])
        _score(zhang, at(n + 1, hour=4), closeness=n + 1)
        _grade(account, at(n + 1, hour=5), "C", "B", actor=rep)
        _owner(account, at(n + 1, hour=6), colleague, rep)
    client = client_for(rep)
    url = reverse("interactions:for_account", args=[account.pk])
    client.get(url, HTTP_HX_REQUEST="true")  # content types and database features get cached
    # session, user (with the reports-to walk), account, then the timeline: one query for every
    # kind
    with django_assert_num_queries(4):
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.content.decode().count('class="kind-') == 4 * count


def test_timeline_fragment_for_htmx_and_page_for_plain_get(account, rep):
    InteractionFactory(account=account, subject="首次拜访", occurred_at=at(1))
    url = reverse("interactions:for_account", args=[account.pk])
    fragment = client_for(rep).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "首次拜访" in fragment and "<html" not in fragment
    page = client_for(rep).get(url).content.decode()
    assert "首次拜访" in page and "<html" in page


def test_timeline_more_link_pages_back(account, rep):
    base = at(1)
    for n in range(55):
        InteractionFactory(
            account=account, subject=f"拜访-{n:02d}", occurred_at=base + timedelta(hours=n)
        )
    url = reverse("interactions:for_account", args=[account.pk])
    client = client_for(rep)
    first = client.get(url, HTTP_HX_REQUEST="true")
    html = first.content.decode()
    assert html.count('class="kind-') == 50
    assert 'data-testid="timeline-more"' in html
    before = first.context["more_before"]
    second = client.get(url, {"before": before}, HTTP_HX_REQUEST="true").content.decode()
    assert second.count('class="kind-') == 5
    assert "拜访-00" in second and "拜访-54" not in second
    assert 'data-testid="timeline-more"' not in second


def test_timeline_invisible_account_is_404(account, other_rep):
    url = reverse("interactions:for_account", args=[account.pk])
    assert client_for(other_rep).get(url).status_code == 404


@pytest.mark.parametrize("persona", ["manager", "gm", "solution_manager"])
def test_timeline_visible_to_chain_team_and_gm(request, account, persona):
    from tests.factories import AccountTeamMemberFactory

    AccountTeamMemberFactory(account=account, user=request.getfixturevalue("solution_manager"))
    InteractionFactory(account=account, subject="首次拜访", occurred_at=at(1))
    url = reverse("interactions:for_account", args=[account.pk])
    response = client_for(request.getfixturevalue(persona)).get(url)
    assert response.status_code == 200 and "首次拜访" in response.content.decode()
