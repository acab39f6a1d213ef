"""The checklist pages: empty and with data, htmx ticks, evidence upload and the summary tag."""

import pytest
from django.template import Context, Template

from kam.checklists.models import ChecklistEvent, ChecklistEvidence, ChecklistItem
from kam.contracts.enums import MilestoneKind
from tests.checklists.conftest import make_signed, pdf
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_gaps_page_renders_empty(rep_client):
    response = rep_client.get("/checklists/gaps/")
    assert response.status_code == 200
    assert "清单都已补齐" in response.content.decode()


def test_the_gaps_page_lists_missing_items_with_filters(rep, manager):
    contract = make_signed(rep, [5, 25])
    page = client_for(rep).get("/checklists/gaps/").content.decode()
    assert contract.number in page and "签字盖章合同扫描件" in page
    assert 'name="owner"' not in page  # a rep has no one else to filter by
    wider = client_for(manager).get("/checklists/gaps/", {"days": 30, "owner": rep.pk})
    body = wider.content.decode()
    assert 'name="owner"' in body and "到货签收单" in body
    nothing = client_for(manager).get("/checklists/gaps/", {"days": 7, "owner": manager.pk})
    assert "没有符合条件的缺项" in nothing.content.decode()


def test_the_contract_page_renders_without_milestones(rep):
    contract = make_signed(rep, [])
    response = client_for(rep).get(f"/checklists/contract/{contract.pk}/")
    assert response.status_code == 200
    assert "还没有回款节点" in response.content.decode()


def test_the_contract_page_shows_columns_and_the_missing_summary(rep):
    contract = make_signed(rep, [5, 60])
    body = client_for(rep).get(f"/checklists/contract/{contract.pk}/").content.decode()
    assert body.count('data-testid="milestone-checklist"') == 2
    assert body.count('data-testid="column-qing"') == 2
    # Only the milestone due within 14 days carries the red summary.
    assert body.count('data-testid="missing"') == 1
    assert 'data-testid="tick"' in body and 'data-testid="evidence-form"' in body


def test_finance_reads_the_page_without_write_controls(rep, finance):
    contract = make_signed(rep, [5])
    body = client_for(finance).get(f"/checklists/contract/{contract.pk}/").content.decode()
    assert "签字盖章合同扫描件" in body
    assert 'data-testid="tick"' not in body and 'data-testid="evidence-form"' not in body


def test_an_htmx_tick_swaps_the_item_in_place(rep):
    make_signed(rep, [5])
    item = ChecklistItem.objects.filter(needs_evidence=False).first()
    assert item is not None
    client = client_for(rep)
    response = client.post(
        f"/checklists/items/{item.pk}/tick/", {"note": "已回访"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and f'id="item-{item.pk}"' in body
    assert "<html" not in body and "已回访" in body and "untick" in body
    untick = client.post(f"/checklists/items/{item.pk}/untick/")
    assert untick.status_code == 302 and untick.url.endswith(f"#item-{item.pk}")
    item.refresh_from_db()
    assert item.done_at is None and ChecklistEvent.objects.filter(item=item).count() == 2


def test_evidence_upload_download_and_delete(rep):
    make_signed(rep, [5], kinds=[MilestoneKind.DELIVERY])
    item = ChecklistItem.objects.get(label="到货签收单")
    client = client_for(rep)
    refused = client.post(f"/checklists/items/{item.pk}/evidence/", {"file": pdf("a.exe")})
    assert refused.status_code == 422 and "不支持的文件类型" in refused.content.decode()
    uploaded = client.post(f"/checklists/items/{item.pk}/evidence/", {"file": pdf()})
    assert uploaded.status_code == 302
    evidence = ChecklistEvidence.objects.get()
    download = client.get(f"/checklists/evidence/{evidence.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert client.post(f"/checklists/evidence/{evidence.pk}/delete/").status_code == 302
    assert not ChecklistEvidence.objects.exists()


def test_the_summary_tag_for_the_contract_page(rep):
    contract = make_signed(rep, [5])
    html = Template("{% load checklists %}{% checklist_summary contract %}").render(
        Context({"contract": contract})
    )
    assert 'data-testid="checklist-summary"' in html and 'data-testid="summary-missing"' in html
    assert f"/checklists/contract/{contract.pk}/" in html


def test_the_settings_page(rep, director):
    assert "read-only" in client_for(rep).get("/checklists/settings/").content.decode()
    saved = client_for(director).post(
        "/checklists/settings/",
        {"warn_days": 5, "escalate_manager_days": 10, "escalate_director_days": 9},
    )
    assert saved.status_code == 200 and "必须大于" in saved.content.decode()
    saved = client_for(director).post(
        "/checklists/settings/",
        {"warn_days": 5, "escalate_manager_days": 10, "escalate_director_days": 20},
    )
    assert saved.status_code == 302


def test_the_navigation_links_the_gaps_page(rep_client):
    assert 'href="/checklists/gaps/"' in rep_client.get("/").content.decode()


def _page_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_page_queries_do_not_grow_with_rows(rep):
    client = client_for(rep)
    one = make_signed(rep, [5])
    many = make_signed(rep, [5, 6, 7], name="三期合同")
    client.get("/checklists/gaps/")  # the first visit creates the items
    client.get(f"/checklists/contract/{one.pk}/")
    client.get(f"/checklists/contract/{many.pk}/")
    contract_one = _page_queries(client, f"/checklists/contract/{one.pk}/")
    assert _page_queries(client, f"/checklists/contract/{many.pk}/") == contract_one
    gaps_with_four = _page_queries(client, "/checklists/gaps/")
    make_signed(rep, [8, 9], name="又一份合同")
    client.get("/checklists/gaps/")
    assert _page_queries(client, "/checklists/gaps/") == gaps_with_four
