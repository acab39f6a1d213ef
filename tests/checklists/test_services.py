"""Templates, the idempotent sync, ticking with history, the evidence rule and the settings."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kam.audit.models import FieldChange
from kam.checklists.enums import ChecklistAction, ChecklistCategory
from kam.checklists.models import ChecklistEvent, ChecklistItem, ChecklistTemplate
from kam.checklists.selectors import collection_alert_settings, item_is_complete
from kam.checklists.services import (
    checklist_evidence_add,
    checklist_evidence_delete,
    checklist_item_tick,
    checklist_item_untick,
    collection_alert_settings_update,
)
from kam.checklists.sync import checklist_sync, checklists_sync
from kam.contracts.enums import MilestoneKind
from tests.checklists.conftest import items_of, make_signed, milestone, pdf

pytestmark = pytest.mark.django_db


def test_shipped_templates_cover_every_kind_with_all_three_categories():
    templates = list(ChecklistTemplate.objects.filter(active=True))
    for kind in (MilestoneKind.DOWN_PAYMENT, MilestoneKind.DELIVERY, MilestoneKind.ACCEPTANCE,
                 MilestoneKind.WARRANTY):  # fmt: skip
        applying = [t for t in templates if t.applies_to(kind)]
        assert {t.category for t in applying} == set(ChecklistCategory.values), kind
        assert any(t.needs_evidence for t in applying), kind
    labels = {t.label for t in templates if t.needs_evidence}
    assert {"签字盖章合同扫描件", "到货签收单", "验收报告/验收证书", "质保期满确认函"} <= labels
    # "Other" milestones still get the items meant for every kind.
    assert any(t.applies_to(MilestoneKind.OTHER) for t in templates)


def test_sync_is_idempotent_and_copies_the_template(rep):
    contract = make_signed(rep, [10, 20], synced=False)
    first = checklists_sync(contract.milestones.all())
    assert first == ChecklistItem.objects.count() > 0
    assert checklists_sync(contract.milestones.all()) == 0
    assert checklist_sync(milestone(contract)) == 0
    delivery = items_of(milestone(contract, 2))
    labels = {i.label for i in delivery}
    assert "到货签收单" in labels and "签字盖章合同扫描件" not in labels
    receipt_note = next(i for i in delivery if i.label == "到货签收单")
    assert receipt_note.needs_evidence and receipt_note.category == ChecklistCategory.EVIDENCE


def test_switching_a_template_off_drops_untouched_items_but_keeps_worked_ones(rep):
    contract = make_signed(rep, [10, 10], kinds=[MilestoneKind.DELIVERY])
    template = ChecklistTemplate.objects.get(label="到货清点")
    worked = ChecklistItem.objects.get(milestone=milestone(contract, 1), template=template)
    checklist_item_tick(item=worked, actor=rep)
    template.active = False
    template.save()
    checklists_sync(contract.milestones.all())
    assert list(ChecklistItem.objects.filter(template=template)) == [worked]
    new = ChecklistTemplate.objects.create(category="li", label="出库单复核", position=1)
    assert checklists_sync(contract.milestones.all()) == 2
    assert ChecklistItem.objects.filter(template=new).count() == 2


def test_tick_and_untick_record_who_when_and_why(rep, manager):
    contract = make_signed(rep, [10])
    item = next(i for i in items_of(milestone(contract)) if not i.needs_evidence)
    ticked = checklist_item_tick(item=item, actor=rep, note="已电话回访张处长")
    assert ticked.done_at is not None and ticked.done_by == rep
    assert ticked.note == "已电话回访张处长"
    # A second tick (double click) changes nothing and writes no history.
    checklist_item_tick(item=item, actor=rep)
    unticked = checklist_item_untick(item=item, actor=manager, note="回访对象不对")
    assert unticked.done_at is None and unticked.done_by is None
    events = list(ChecklistEvent.objects.filter(item=item).values_list("action", "actor", "note"))
    assert events == [
        (ChecklistAction.TICK, rep.pk, "已电话回访张处长"),
        (ChecklistAction.UNTICK, manager.pk, "回访对象不对"),
    ]


def test_only_contract_editors_write(rep, finance, other_rep):
    contract = make_signed(rep, [10])
    item = items_of(milestone(contract))[0]
    for outsider in (finance, other_rep):
        with pytest.raises(PermissionDenied):
            checklist_item_tick(item=item, actor=outsider)
        with pytest.raises(PermissionDenied):
            checklist_evidence_add(item=item, actor=outsider, upload=pdf())
    item.refresh_from_db()
    assert item.done_at is None and not ChecklistEvent.objects.exists()


def test_a_note_too_long_is_refused_by_field(rep):
    contract = make_signed(rep, [10])
    item = items_of(milestone(contract))[0]
    with pytest.raises(ValidationError) as error:
        checklist_item_tick(item=item, actor=rep, note="长" * 201)
    assert "note" in error.value.message_dict
    item.refresh_from_db()
    assert item.done_at is None


def test_an_evidence_item_is_complete_only_with_a_file(rep):
    make_signed(rep, [10], kinds=[MilestoneKind.DELIVERY])
    item = ChecklistItem.objects.get(label="到货签收单")
    item = checklist_item_tick(item=item, actor=rep)
    assert not item_is_complete(item, evidence_count=0)
    evidence = checklist_evidence_add(item=item, actor=rep, upload=pdf())
    assert item_is_complete(item, item.evidence.count())
    assert evidence.original_name == "签收单.pdf" and evidence.file.name != "签收单.pdf"
    checklist_evidence_delete(evidence=evidence, actor=rep)
    assert not item_is_complete(item, item.evidence.count())
    actions = list(ChecklistEvent.objects.filter(item=item).values_list("action", flat=True))
    assert actions == [
        ChecklistAction.TICK,
        ChecklistAction.EVIDENCE_ADD,
        ChecklistAction.EVIDENCE_DELETE,
    ]


def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_stored(rep):
    make_signed(rep, [10], kinds=[MilestoneKind.DELIVERY])
    item = ChecklistItem.objects.get(label="到货签收单")
    bad = pdf("签收单.exe")
    with pytest.raises(ValidationError) as error:
        checklist_evidence_add(item=item, actor=rep, upload=bad)
    assert "file" in error.value.message_dict
    assert not item.evidence.exists() and not ChecklistEvent.objects.exists()


def test_alert_settings_are_validated_audited_and_restricted(director, manager):
    with pytest.raises(PermissionDenied):
        collection_alert_settings_update(
            actor=manager,
            values={"warn_days": 5, "escalate_manager_days": 10, "escalate_director_days": 20},
        )
    with pytest.raises(ValidationError) as error:
        collection_alert_settings_update(
            actor=director,
            values={"warn_days": 0, "escalate_manager_days": 20, "escalate_director_days": 20},
        )
    assert set(error.value.message_dict) == {"warn_days", "escalate_director_days"}
    updated = collection_alert_settings_update(
        actor=director,
        values={"warn_days": 5, "escalate_manager_days": 10, "escalate_director_days": 20},
    )
    assert (updated.warn_days, updated.escalate_manager_days, updated.escalate_director_days) == (
        5, 10, 20,
    )  # fmt: skip
    assert collection_alert_settings().updated_by == director
    assert FieldChange.objects.filter(field="warn_days", new_value="5").exists()


def test_templates_are_created_and_changed_by_directors_with_history(
    director, rep, django_capture_on_commit_callbacks
):
    from kam.checklists.services import checklist_template_create, checklist_template_update

    data = {
        "category": "fa", "label": "第三方检测报告", "milestone_kinds": ["acceptance"],
        "needs_evidence": True, "lead_days": 10, "position": 5, "active": True,
    }  # fmt: skip
    with pytest.raises(PermissionDenied):
        checklist_template_create(actor=rep, data=data)
    with pytest.raises(ValidationError) as error:
        checklist_template_create(
            actor=director,
            data={**data, "category": "x", "label": " ", "milestone_kinds": ["nope"]},
        )
    assert set(error.value.message_dict) == {"category", "label", "milestone_kinds"}
    template = checklist_template_create(actor=director, data=data)
    make_signed(rep, [10], kinds=[MilestoneKind.ACCEPTANCE])
    item = ChecklistItem.objects.get(template=template)
    assert item.needs_evidence and item.lead_days == 10
    with django_capture_on_commit_callbacks(execute=True):
        changed = checklist_template_update(
            template=template, actor=director, data={**data, "label": "检测报告", "active": False}
        )
    assert changed.label == "检测报告" and not changed.active
    assert FieldChange.objects.filter(field="label", new_value="检测报告").exists()
    # Switched off: the job after the commit took the untouched item off the owed milestone.
    assert not ChecklistItem.objects.filter(template=template).exists()
