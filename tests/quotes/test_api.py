"""/api/quotes: same services and visibility as the pages; Decimal as strings; 409 when stale."""

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from kam.core.versioning import STALE_MESSAGE
from kam.quotes.enums import QuoteStatus
from kam.quotes.models import DeliveryReview, QuoteVersion
from kam.quotes.services import quote_version_create
from kam.users.services import api_token_create

pytestmark = pytest.mark.django_db


def api_client(user):
    _token, key = api_token_create(user=user, name="t")
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _post(client, auth, url, body):
    return client.post(url, body, content_type="application/json", **auth)


def test_full_flow(deal_team, rep, delivery):
    client, auth = api_client(rep)
    response = _post(
        client, auth, "/api/quotes/", {"opportunity_id": deal_team.pk, "payment_terms": "预付30%"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["net_total"] == "298500.00" and body["tax_total"] == "36810.00"
    assert body["lines"][0]["unit_price"] == "100000.00"
    quote_id = body["id"]
    listed = client.get(f"/api/quotes/?opportunity_id={deal_team.pk}", **auth).json()
    assert [q["id"] for q in listed["items"]] == [quote_id]
    response = _post(client, auth, f"/api/quotes/{quote_id}/submit", {"version": body["version"]})
    assert response.json()["status"] == QuoteStatus.APPROVED
    version = response.json()["version"]
    response = _post(client, auth, f"/api/quotes/{quote_id}/send", {"version": version})
    assert response.status_code == 422
    assert "review" in response.json()["errors"]
    d_client, d_auth = api_client(delivery)
    review = {"scope_ok": True, "workload_days": "15.5", "price_ok": True, "comment": ""}
    response = _post(d_client, d_auth, f"/api/quotes/{quote_id}/review", review)
    assert response.status_code == 201 and response.json()["workload_days"] == "15.5"
    response = _post(client, auth, f"/api/quotes/{quote_id}/send", {"version": version})
    assert response.status_code == 200 and response.json()["status"] == QuoteStatus.SENT
    version = response.json()["version"]
    response = _post(client, auth, f"/api/quotes/{quote_id}/accept", {"version": version})
    assert response.json()["status"] == QuoteStatus.ACCEPTED
    pdf = client.get(f"/api/quotes/{quote_id}/pdf", **auth)
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "西安智造集团有限公司" in text and "298,500.00" in text


def test_review_rejects_float_and_non_delivery_manager(deal_team, rep, delivery):
    quote = quote_version_create(opportunity=deal_team, actor=rep, data={})
    client, auth = api_client(delivery)
    response = _post(
        client,
        auth,
        f"/api/quotes/{quote.pk}/review",
        {"scope_ok": True, "workload_days": 1.5, "price_ok": True},
    )
    assert response.status_code == 422
    r_client, r_auth = api_client(rep)
    response = _post(
        r_client,
        r_auth,
        f"/api/quotes/{quote.pk}/review",
        {"scope_ok": True, "workload_days": "1", "price_ok": True},
    )
    assert response.status_code == 403
    assert not DeliveryReview.objects.exists()


def test_stale_version_is_409(deal, rep):
    quote = quote_version_create(opportunity=deal, actor=rep, data={})
    client, auth = api_client(rep)
    url = f"/api/quotes/{quote.pk}"
    first = client.patch(
        url, {"version": quote.version, "notes": "一"}, content_type="application/json", **auth
    )
    assert first.status_code == 200
    second = client.patch(
        url, {"version": quote.version, "notes": "二"}, content_type="application/json", **auth
    )
    assert second.status_code == 409
    assert str(STALE_MESSAGE) in second.json()["errors"]["__all__"]
    assert QuoteVersion.objects.get().notes == "一"


def test_other_rep_gets_404(deal, rep, other_rep):
    quote = quote_version_create(opportunity=deal, actor=rep, data={})
    client, auth = api_client(other_rep)
    assert client.get(f"/api/quotes/{quote.pk}", **auth).status_code == 404
    assert client.get(f"/api/quotes/{quote.pk}/pdf", **auth).status_code == 404
    assert client.get(f"/api/quotes/?opportunity_id={deal.pk}", **auth).status_code == 404
    assert _post(client, auth, "/api/quotes/", {"opportunity_id": deal.pk}).status_code == 404
    response = _post(client, auth, f"/api/quotes/{quote.pk}/submit", {"version": quote.version})
    assert response.status_code == 404
    assert QuoteVersion.objects.get().status == QuoteStatus.DRAFT


@pytest.mark.parametrize("versions", [1, 3])
def test_list_queries_do_not_grow(deal, rep, versions, django_assert_max_num_queries):
    for _ in range(versions):
        quote_version_create(opportunity=deal, actor=rep, data={})
    client, auth = api_client(rep)
    with django_assert_max_num_queries(6):
        response = client.get(f"/api/quotes/?opportunity_id={deal.pk}", **auth)
    assert len(response.json()["items"]) == versions
