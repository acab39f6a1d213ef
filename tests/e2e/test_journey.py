"""The foundation's journey in a real browser: a rep creates an account, adds a key person with
scores, logs a visit, finds it again by a Chinese word, and switches the language."""

import pytest
from playwright.sync_api import Page

from kam.accounts.models import Account
from kam.accounts.validators import credit_code_check_char
from kam.contacts.models import Contact
from kam.interactions.models import Interaction
from tests.e2e.conftest import login, screenshot

CODE_PREFIX = "91610131MA6TXY12"


def wait_for_sections(page: Page) -> None:
    """The account page loads the decision chain, the timeline and the history with htmx."""
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("[data-testid=field-history]")


@pytest.mark.django_db(transaction=True)
def test_rep_account_person_visit_search_language(live_server, page, rep, manager):
    prefix = CODE_PREFIX + "3"
    credit_code = prefix + credit_code_check_char(prefix)
    login(page, live_server.url, "rep")

    # An empty list first, then a new account through the form (with one mistake on the way).
    page.click("nav.mainnav a[data-nav=accounts]")
    screenshot(page, "accounts_list_empty")
    page.click("a[href$='/accounts/create/']")
    page.fill("input[name=name]", "西咸新区大数据管理局")
    page.fill("input[name=credit_code]", "91610131MA6TXY1230")
    page.select_option("select[name=industry]", "government")
    page.select_option("select[name=province]", "陕西")
    page.fill("input[name=city]", "西安")
    page.select_option("select[name=level]", "city")
    page.click("form button.primary[type=submit]")
    page.wait_for_selector(".field.has-error")
    assert "校验" in page.locator(".field.has-error").first.inner_text()
    screenshot(page, "account_form_error")
    page.fill("input[name=credit_code]", credit_code)
    page.click("form button.primary[type=submit]")
    page.wait_for_selector("h1:has-text('西咸新区大数据管理局')")
    account = Account.objects.get(credit_code=credit_code)
    assert account.owner == rep

    # A key person with the three scores.
    page.goto(f"{live_server.url}/contacts/create/?account={account.pk}")
    page.fill("input[name=name]", "张伟")
    page.fill("input[name=title]", "采购副总")
    page.select_option("select[name=decision_role]", "procurement")
    page.select_option("select[name=influence]", "high")
    page.select_option("select[name=closeness]", "4")
    page.select_option("select[name=solution_acceptance]", "3")
    page.select_option("select[name=price_acceptance]", "2")
    page.click("form button.primary[type=submit]")
    page.wait_for_selector("h1:has-text('张伟')")
    person = Contact.objects.get(account=account, name="张伟")
    assert (person.closeness, person.solution_acceptance, person.price_acceptance) == (4, 3, 2)
    screenshot(page, "contact_detail")

    # A visit with the person, whose note says 采购副总 in the middle of a sentence.
    page.goto(f"{live_server.url}/interactions/create/?account={account.pk}")
    page.fill("input[name=subject]", "数据中心扩容需求交流")
    page.check(f"input[name=their_participants][value='{person.pk}']")
    page.fill("textarea[name=content]", "今天与采购副总张伟深入交流了扩容预算和时间表。")
    page.fill("input[name=next_step]", "下周提交方案建议书")
    page.click("form button.primary[type=submit]")
    page.wait_for_selector("h1:has-text('数据中心扩容需求交流')")
    assert Interaction.objects.filter(account=account).count() == 1

    # The account page shows the chain and the timeline in one place.
    page.goto(f"{live_server.url}/accounts/{account.pk}/")
    wait_for_sections(page)
    page.wait_for_selector(".timeline li")
    page.wait_for_selector("text=张伟")
    screenshot(page, "account_detail")

    # Search by a Chinese word from the middle of the note.
    page.fill("form.topsearch input[name=q]", "采购副总")
    page.press("form.topsearch input[name=q]", "Enter")
    page.wait_for_selector(".search-hit")
    assert "数据中心扩容需求交流" in page.locator("main").inner_text()
    screenshot(page, "search_results")

    # And the whole UI in English.
    page.click("[data-testid=lang-switch]")
    page.wait_for_selector("html[lang=en]")
    assert "Accounts" in page.locator("nav.mainnav").inner_text()
    page.goto(f"{live_server.url}/accounts/")
    screenshot(page, "accounts_list_en")
