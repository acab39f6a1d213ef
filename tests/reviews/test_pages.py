"""The review pages: my sheet, a rep's sheet for managers, team overview, presentation, coaching."""

from datetime import timedelta

import pytest
from django.urls import reverse

from kam.reviews.models import ReviewComment, ReviewItem, ReviewSheet
from kam.reviews.selectors import rep_local_today
from kam.reviews.services.generation import review_sheet_generate
from kam.reviews.services.sheets import review_sheet_file
from tests.conftest import client_for
from tests.factories import LeadFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def _sheet_url(rep, day):
    return reverse("reviews:sheet", args=[rep.pk, day.isoformat()])


def test_rep_opens_today_and_the_sheet_is_generated(rep, rep_deal, rep_lead):
    client = client_for(rep)
    response = client.get(reverse("reviews:index"), follow=True)
    assert response.status_code == 200
    assert ReviewSheet.objects.filter(rep=rep, day=rep_local_today(rep)).count() == 1
    body = response.content.decode()
    assert "影像云平台" in body
    assert 'data-testid="note-form"' in body
    assert 'data-testid="file-form"' in body


def test_manager_is_sent_to_team_overview(manager):
    response = client_for(manager).get(reverse("reviews:index"))
    assert response.url == reverse("reviews:team")


def test_note_via_htmx_returns_the_partial(rep, rep_sheet):
    item = rep_sheet.items.first()
    response = client_for(rep).post(
        reverse("reviews:item_note", args=[item.pk]),
        {f"item{item.pk}-rep_note": "等客户回复", f"item{item.pk}-next_step": "周三电话",
         f"item{item.pk}-version": 0},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert response.status_code == 200
    assert 'data-testid="note-saved"' in response.content.decode()
    item.refresh_from_db()
    assert (item.rep_note, item.next_step, item.version) == ("等客户回复", "周三电话", 1)


def test_stale_note_shows_the_error(rep, rep_sheet):
    item = rep_sheet.items.first()
    client = client_for(rep)
    data = {f"item{item.pk}-rep_note": "一", f"item{item.pk}-version": 0}
    client.post(reverse("reviews:item_note", args=[item.pk]), data, HTTP_HX_REQUEST="true")
    response = client.post(
        reverse("reviews:item_note", args=[item.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert "该记录已被他人修改" in response.content.decode()


def test_file_and_manager_comments(rep, manager, rep_sheet):
    response = client_for(rep).post(
        reverse("reviews:file", args=[rep_sheet.pk]), {"rep_summary": "推进顺利", "version": 0}
    )
    assert response.status_code == 302
    rep_sheet.refresh_from_db()
    assert rep_sheet.is_filed
    item = rep_sheet.items.first()
    client = client_for(manager)
    page = client.get(_sheet_url(rep, rep_sheet.day)).content.decode()
    assert 'data-testid="comment-form"' in page
    assert 'data-testid="note-form"' not in page
    response = client.post(
        reverse("reviews:comment", args=[rep_sheet.pk]),
        {"body": "抓紧立项", "item": item.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "抓紧立项" in response.content.decode()
    assert ReviewComment.objects.get().item == item


def test_rep_cannot_comment(rep, rep_sheet):
    response = client_for(rep).post(reverse("reviews:comment", args=[rep_sheet.pk]), {"body": "x"})
    assert response.status_code == 403


def test_missing_day_shows_empty_state(rep, manager):
    day = rep_local_today(rep) - timedelta(days=2)
    response = client_for(manager).get(_sheet_url(rep, day))
    assert response.status_code == 200
    assert "当天没有理单表" in response.content.decode()
    assert not ReviewSheet.objects.exists()


def test_team_overview_lists_missing_reps(rep, colleague, manager, rep_sheet):
    review_sheet_file(sheet=rep_sheet, actor=rep, summary="", version=0)
    url = reverse("reviews:team") + f"?day={rep_sheet.day.isoformat()}"
    body = client_for(manager).get(url).content.decode()
    assert "已提交 1 / 2 人" in body
    missing = body.split('data-testid="missing"')[1].split("</div>")[0]
    assert "周销售" in missing and "李销售" not in missing
    only = client_for(manager).get(url + "&missing=on").content.decode()
    assert only.count('data-testid="team-row"') == 1


@pytest.mark.parametrize("rows", [1, 3])
def test_team_overview_query_count(manager, team_one, rows, django_assert_num_queries):
    from tests.factories import UserFactory

    day = rep_local_today(manager)
    for n in range(rows):
        rep = UserFactory(username=f"r{n}", team=team_one, manager=manager)
        LeadFactory(owner=rep)
        review_sheet_generate(rep=rep, day=day)
    client = client_for(manager)
    client.get(reverse("reviews:team"))
    with django_assert_num_queries(6):
        response = client.get(reverse("reviews:team"))
    assert response.content.decode().count('data-testid="team-row"') == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_sheet_query_count(rep, rows, django_assert_num_queries):
    for _ in range(rows):
        OpportunityFactory(owner=rep, account__owner=rep)
    day = rep_local_today(rep)
    review_sheet_generate(rep=rep, day=day)
    client = client_for(rep)
    client.get(_sheet_url(rep, day))
    with django_assert_num_queries(7):
        response = client.get(_sheet_url(rep, day))
    assert response.content.decode().count('data-testid="review-item"') == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_present_query_count(manager, team_one, rows, django_assert_num_queries):
    from tests.factories import UserFactory

    day = rep_local_today(manager)
    for n in range(rows):
        rep = UserFactory(username=f"r{n}", team=team_one, manager=manager)
        LeadFactory(owner=rep)
        review_sheet_generate(rep=rep, day=day)
    client = client_for(manager)
    client.get(reverse("reviews:present"))
    with django_assert_num_queries(7):
        response = client.get(reverse("reviews:present"))
    assert response.content.decode().count('data-testid="slide"') == rows


def test_present_shows_one_slide_per_rep(rep, colleague, manager, rep_sheet):
    body = client_for(manager).get(reverse("reviews:present")).content.decode()
    assert body.count('data-testid="slide"') == 2
    assert body.count("hidden>") == 1
    assert "影像云平台" in body


def test_items_are_not_reachable_across_teams(rep_sheet, other_rep, other_manager):
    item = ReviewItem.objects.filter(sheet=rep_sheet).first()
    for someone in (other_rep, other_manager):
        response = client_for(someone).post(
            reverse("reviews:item_note", args=[item.pk]), {f"item{item.pk}-version": 0}
        )
        assert response.status_code == 404
