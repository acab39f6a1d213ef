"""The search page with the kinds added for leads, the pool, intent classes and reviews."""

import pytest

from kam.leads.services.leads import lead_create
from kam.pools.services.claims import pool_claim
from kam.pools.services.protection import placement_refresh
from kam.reviews.models import ReviewItem
from kam.reviews.selectors import rep_local_today
from kam.reviews.services.generation import review_sheet_generate
from kam.reviews.services.sheets import review_item_note
from tests.e2e.conftest import login, screenshot
from tests.factories import AccountFactory


@pytest.mark.django_db(transaction=True)
def test_search_finds_lead_pool_intent_and_review_documents(live_server, page, rep):
    lead = lead_create(actor=rep, data={
        "company_name": "渭南新能源装备有限公司", "source": "referral", "intent_class": "B",
        "problem": "新能源产线的MES无法对接ERP",
    })  # fmt: skip
    account = AccountFactory(owner=None, name="渭南新能源汽车产业园")
    placement_refresh(account)
    pool_claim(account_id=account.pk, actor=rep)
    sheet = review_sheet_generate(rep=rep, day=rep_local_today(rep))
    item = ReviewItem.objects.get(sheet=sheet, lead=lead)
    review_item_note(item=item, actor=rep, rep_note="新能源项目下周见董事长", next_step="",
                     version=item.version)  # fmt: skip

    login(page, live_server.url, "rep")
    page.goto(f"{live_server.url}/search/?q=新能源")
    page.wait_for_selector(".search-hit")
    kinds = page.locator("[data-testid=search-hit]").evaluate_all(
        "hits => hits.map(h => h.dataset.kind)"
    )
    assert {"lead", "intent", "review"} <= set(kinds)
    screenshot(page, "search_new_kinds")
    page.click("[data-testid=search-tab-lead]")
    page.wait_for_selector("[data-testid=search-hit][data-kind=lead]")
    page.click(f"a[href='/leads/{lead.pk}/']")
    page.wait_for_selector("h1:has-text('渭南新能源装备有限公司')")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/search/?q=领取")
    page.wait_for_selector("[data-testid=search-hit][data-kind=pool]")
    screenshot(page, "search_new_kinds_phone")
