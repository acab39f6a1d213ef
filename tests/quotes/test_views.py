"""Pages and the PDF: visibility, the panel, actions through the services, CSP, query counts."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kam.core.versioning import STALE_MESSAGE
from kam.quotes.enums import QuoteStatus
from kam.quotes.models import DeliveryReview, QuoteVersion
from kam.quotes.services import quote_review_record, quote_submit, quote_version_create
from tests.conftest import client_for
from tests.quotes.conftest import GOOD_REVIEW

pytestmark = pytest.mark.django_db

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"", re.I)


def _pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def quote(deal, rep):
    return quote_version_create(
        opportunity=deal, actor=rep, data={"payment_terms": "合同签订后预付30%"}
    )


def test_pdf_contains_customer_amounts_and_terms(quote, rep):
    response = client_for(rep).get(reverse("quotes:pdf", args=[quote.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "西安智造集团有限公司" in text
    assert "298,500.00" in text  # net total, thousands separators, two places
    assert "335,310.00" in text  # incl. tax
    assert "100,000.00" in text  # unit price
    assert quote.number in text
    assert "合同签订后预付30%" in text
    assert "本公司" in text


def test_pdf_company_name_from_setting(quote, rep, settings):
    settings.KAM_COMPANY_NAME = "陕西云启科技有限公司"
    text = _pdf_text(client_for(rep).get(reverse("quotes:pdf", args=[quote.pk])).content)
    assert "陕西云启科技有限公司" in text


def test_other_rep_gets_404_everywhere(quote, other_rep, other_manager):
    for user in (other_rep, other_manager):
        client = client_for(user)
        for url in (
            reverse("quotes:for_opportunity", args=[quote.opportunity_id]),
            reverse("quotes:create", args=[quote.opportunity_id]),
            reverse("quotes:detail", args=[quote.pk]),
            reverse("quotes:pdf", args=[quote.pk]),
        ):
            assert client.get(url).status_code == 404, url
        response = client.post(
            reverse("quotes:action", args=[quote.pk, "submit"]), {"version": quote.version}
        )
        assert response.status_code == 404
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT


def test_viewers_above_and_on_the_team_see_it(quote, manager, director, gm):
    for user in (manager, director, gm):
        assert client_for(user).get(reverse("quotes:detail", args=[quote.pk])).status_code == 200


def test_panel_fragment_and_page(quote, rep):
    client = client_for(rep)
    url = reverse("quotes:for_opportunity", args=[quote.opportunity_id])
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="quotes-panel"' in fragment
    assert quote.number in fragment
    assert "<html" not in fragment
    page = client.get(url).content.decode()
    assert "<html" in page and 'data-testid="quote-create"' in page


def test_panel_is_registered():
    from kam.opportunities.panels import panels

    panel = next(p for p in panels() if p.key == "quotes")
    assert reverse(panel.url_name, args=[1]) == "/quotes/opportunity/1/"


@pytest.mark.parametrize("versions", [1, 3])
def test_panel_queries_do_not_grow(
    deal, rep, delivery, deal_team, versions, django_assert_max_num_queries
):
    for _ in range(versions):
        q = quote_version_create(opportunity=deal, actor=rep, data={})
        quote_review_record(quote=q, actor=delivery, data=GOOD_REVIEW)
    client = client_for(rep)
    url = reverse("quotes:for_opportunity", args=[deal.pk])
    with django_assert_max_num_queries(7):
        response = client.get(url, headers={"HX-Request": "true"})
    assert response.content.decode().count("data-quote=") == versions


def test_pages_have_no_inline_script_or_style(quote, rep, delivery, deal_team):
    client = client_for(rep)
    urls = [
        reverse("quotes:for_opportunity", args=[quote.opportunity_id]),
        reverse("quotes:create", args=[quote.opportunity_id]),
        reverse("quotes:detail", args=[quote.pk]),
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert not INLINE.search(html), url
    html = client_for(delivery).get(reverse("quotes:detail", args=[quote.pk])).content.decode()
    assert 'data-testid="review-form"' in html and not INLINE.search(html)


def test_whole_flow_through_pages(deal_team, rep, delivery):
    client = client_for(rep)
    response = client.post(
        reverse("quotes:create", args=[deal_team.pk]), {"payment_terms": "验收后付清"}
    )
    quote = QuoteVersion.objects.get()
    assert response.status_code == 302 and response["Location"] == quote.get_absolute_url()
    assert quote.payment_terms == "验收后付清"
    client.post(
        reverse("quotes:edit", args=[quote.pk]),
        {"version": quote.version, "notes": "含三年维保", "valid_until": ""},
    )
    quote.refresh_from_db()
    assert quote.notes == "含三年维保"
    client.post(reverse("quotes:action", args=[quote.pk, "submit"]), {"version": quote.version})
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED
    # the rep may not review; the delivery manager may
    assert client.post(reverse("quotes:review", args=[quote.pk]), {}).status_code == 403
    response = client_for(delivery).post(
        reverse("quotes:review", args=[quote.pk]),
        {"scope_ok": "1", "workload_days": "30", "price_ok": "1", "comment": "可交付"},
    )
    assert response.status_code == 302
    assert DeliveryReview.objects.get().workload_days == 30
    client.post(reverse("quotes:action", args=[quote.pk, "send"]), {"version": quote.version})
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT
    client.post(reverse("quotes:action", args=[quote.pk, "accept"]), {"version": quote.version})
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED


def test_send_without_review_shows_the_reason(quote, rep):
    quote = quote_submit(quote=quote, actor=rep, version=quote.version)
    response = client_for(rep).post(
        reverse("quotes:action", args=[quote.pk, "send"]), {"version": quote.version}, follow=True
    )
    assert "交付经理尚未评审" in response.content.decode()
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED


def test_stale_terms_edit_is_a_form_error(quote, rep):
    client = client_for(rep)
    url = reverse("quotes:edit", args=[quote.pk])
    client.post(url, {"version": quote.version, "notes": "第一次"})
    response = client.post(url, {"version": quote.version, "notes": "第二次"})
    assert response.status_code == 422
    assert str(STALE_MESSAGE) in response.content.decode()
    quote.refresh_from_db()
    assert quote.notes == "第一次"


def test_create_without_lines_is_a_form_error(deal, rep):
    from kam.opportunities.services.opportunities import opportunity_lines_replace

    opportunity_lines_replace(opportunity=deal, actor=rep, version=deal.version, lines=[])
    response = client_for(rep).post(reverse("quotes:create", args=[deal.pk]), {})
    assert response.status_code == 422
    assert "商机还没有产品明细" in response.content.decode()
    assert not QuoteVersion.objects.exists()


def test_team_member_without_edit_rights_cannot_create(deal_team, delivery):
    response = client_for(delivery).post(reverse("quotes:create", args=[deal_team.pk]), {})
    assert response.status_code == 403
    assert not QuoteVersion.objects.exists()


def test_panel_offers_review_to_the_delivery_manager_only(quote, rep, delivery, deal_team):
    url = reverse("quotes:for_opportunity", args=[quote.opportunity_id])
    mine = client_for(delivery).get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="quote-review"' in mine
    assert 'data-testid="quote-submit"' not in mine  # a team member does not edit the deal
    theirs = client_for(rep).get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="quote-review"' not in theirs
    assert 'data-testid="quote-submit"' in theirs


def test_terms_form_dates_are_iso_for_the_date_input(quote, rep):
    html = client_for(rep).get(reverse("quotes:detail", args=[quote.pk])).content.decode()
    assert f'value="{quote.valid_until:%Y-%m-%d}"' in html
