"""The writes keep checklists in step, so the gaps list and the tasks only read: a saved plan
and an approved plan change sync their milestones; a template created or changed reaches every
milestone still owed through a job after the commit, and the nightly job does the same."""

import pytest

from kam.approvals.services import approval_approve
from kam.checklists.models import ChecklistItem, ChecklistTemplate
from kam.checklists.services import checklist_template_create, checklist_template_update
from kam.checklists.sync import checklists_sync_owed
from kam.checklists.tasks import checklists_nightly_sync
from kam.contracts.models import Contract, PaymentMilestone
from kam.contracts.services.plans import payment_plan_template_rows
from kam.contracts.services.signing import payment_plan_change_request
from tests.checklists.conftest import make_signed, milestone, pay
from tests.contracts.conftest import make_contract, plan_template, sign

pytestmark = pytest.mark.django_db

TEMPLATE = {
    "category": "li", "label": "出库单复核", "milestone_kinds": [], "needs_evidence": False,
    "lead_days": 3, "position": 1, "active": True,
}  # fmt: skip


def wanted(target: PaymentMilestone) -> set[int]:
    return {
        t.pk for t in ChecklistTemplate.objects.filter(active=True) if t.applies_to(target.kind)
    }


def carried(target: PaymentMilestone) -> set[int]:
    return set(target.checklist_items.values_list("template_id", flat=True))


def assert_in_step(contract: Contract) -> None:
    milestones = list(contract.milestones.all())
    assert milestones
    for target in milestones:
        assert carried(target) == wanted(target), target.position


def test_a_saved_plan_brings_its_checklists(rep):
    assert_in_step(plan_template(make_contract(rep), rep))


def test_an_approved_plan_change_swaps_untouched_items_for_the_new_kinds(
    rep, manager, director, finance
):
    contract = sign(make_contract(rep), rep, [manager, director, finance])
    before = list(contract.milestones.order_by("position").values_list("kind", flat=True))
    approval = payment_plan_change_request(
        contract=contract, actor=rep, version=contract.version,
        rows=payment_plan_template_rows("30/60/10"), reason="合并到货与验收款",
    )  # fmt: skip
    for approver in [manager, director, finance]:
        approval.refresh_from_db()
        approval_approve(approval=approval, actor=approver, version=approval.version)
    after = list(contract.milestones.order_by("position").values_list("kind", flat=True))
    assert before != after
    assert_in_step(contract)


def test_a_new_template_reaches_owed_milestones_after_the_commit(
    director, rep, finance, django_capture_on_commit_callbacks
):
    contract = make_signed(rep, [-3, 10])
    pay(milestone(contract, 1), finance)
    with django_capture_on_commit_callbacks(execute=True):
        template = checklist_template_create(actor=director, data=TEMPLATE)
    # The paid milestone is left as it was; its contract page adds the item when opened.
    assert set(
        ChecklistItem.objects.filter(template=template).values_list(
            "milestone__position", flat=True
        )
    ) == {2}


def test_only_a_change_of_reach_starts_the_job(director, django_capture_on_commit_callbacks):
    template = checklist_template_create(actor=director, data={**TEMPLATE, "active": False})
    with django_capture_on_commit_callbacks() as callbacks:
        checklist_template_update(
            template=template,
            actor=director,
            data={**TEMPLATE, "label": "出库单复核（新）", "active": False},
        )
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        checklist_template_update(
            template=template,
            actor=director,
            data={**TEMPLATE, "milestone_kinds": ["delivery"], "active": False},
        )
    assert len(callbacks) == 1


def test_the_owed_sync_goes_batch_by_batch_and_the_nightly_job_runs_it(rep):
    contracts = [make_signed(rep, [5, 20], synced=False, name=f"合同{n}") for n in range(2)]
    assert not ChecklistItem.objects.exists()
    created = checklists_sync_owed(batch=3)
    assert created == ChecklistItem.objects.count() > 0
    for contract in contracts:
        assert_in_step(contract)
    ChecklistTemplate.objects.create(category="li", label="出库单复核", position=1)
    assert checklists_nightly_sync.call_local() == 4
