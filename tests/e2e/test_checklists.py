"""The checklist page in a real browser: a tick swaps its item in place via htmx."""

from importlib import import_module

import pytest
from django.apps import apps

from kam.checklists.models import ChecklistItem, ChecklistTemplate
from tests.checklists.conftest import make_signed
from tests.e2e.conftest import login, screenshot


@pytest.fixture
def shipped_templates(db: None) -> None:
    """Browser tests end with a flush that empties the migration-made templates too."""
    if not ChecklistTemplate.objects.exists():
        import_module("kam.checklists.migrations.0002_default_templates").add_defaults(apps, None)


@pytest.mark.django_db(transaction=True)
def test_rep_ticks_an_item_in_place(live_server, page, shipped_templates, rep):
    contract = make_signed(rep, [5, 40])
    login(page, live_server.url, "rep")
    page.goto(f"{live_server.url}/checklists/contract/{contract.pk}/")
    page.wait_for_selector("[data-testid=missing]")
    item = ChecklistItem.objects.get(milestone__position=1, label="合同原件归档")
    page.click(f"#item-{item.pk} [data-testid=tick]")
    page.wait_for_selector(f"#item-{item.pk}.done")
    item.refresh_from_db()
    assert item.done_by == rep
    screenshot(page, "checklist-contract")
    page.goto(f"{live_server.url}/checklists/gaps/")
    page.wait_for_selector("[data-testid=gap-list]")
    screenshot(page, "checklist-gaps")
