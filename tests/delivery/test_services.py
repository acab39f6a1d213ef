"""Adding, editing, removing chain members and recording their sign-off: the refusals, the
optimistic lock and the field history."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kam.audit.models import FieldChange
from kam.contracts.enums import ContractStatus
from kam.contracts.models import Contract
from kam.delivery.models import DeliveryChainMember
from kam.delivery.services import (
    delivery_member_record_signoff,
    delivery_member_remove,
    delivery_member_update,
)
from tests.contracts.conftest import make_contract
from tests.delivery.conftest import member, person
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _history(row: DeliveryChainMember | Contract) -> dict[str, tuple[str, str]]:
    """The latest change of each field."""
    changes = FieldChange.objects.filter(
        content_type=ContentType.objects.get_for_model(row), object_id=row.pk
    ).order_by("changed_at", "pk")
    return {c.field: (c.old_value, c.new_value) for c in changes}


def test_add_records_member_duty_and_history(rep, contract):
    first, second = contract.milestones.order_by("position")[:2]
    added = member(
        contract, person(contract, "钱财务"), rep, "finance",
        stance="supporter", milestones=[first.pk, second.pk], support_plan="提前对账",
    )  # fmt: skip
    added.refresh_from_db()
    assert added.delivery_role == "finance" and added.stance == "supporter"
    assert added.signoff_status == "pending" and added.signoff_on is None
    assert list(added.milestones.order_by("position")) == [first, second]
    assert added.updated_by == rep and added.version == 0
    history = _history(added)
    assert history["delivery_role"] == ("", "财务")
    assert history["milestones"] == ("", f"{first}、{second}")


def test_contact_of_another_account_is_refused(rep, contract):
    stranger = ContactFactory(name="外人")
    with pytest.raises(ValidationError) as refused:
        member(contract, stranger, rep)
    assert "contact" in refused.value.message_dict
    assert not DeliveryChainMember.objects.exists()


def test_duplicate_and_gone_people_are_refused(rep, contract):
    someone = person(contract, "孙质量")
    member(contract, someone, rep, "quality")
    with pytest.raises(ValidationError) as duplicate:
        member(contract, someone, rep, "finance")
    assert duplicate.value.message_dict["contact"] == ["该关键人已在交付决策链中。"]
    with pytest.raises(ValidationError) as gone:
        member(contract, person(contract, "离职者", status="left"), rep)
    assert gone.value.message_dict["contact"] == ["该关键人已离职。"]
    assert DeliveryChainMember.objects.count() == 1


def test_bad_fields_are_named_and_nothing_is_saved(rep, contract):
    other = make_contract(rep, "别的合同")
    foreign = other.milestones.create(
        position=1, kind="other", amount="1.00", trigger="date", fixed_date="2026-01-01"
    )
    with pytest.raises(ValidationError) as refused:
        member(
            contract, person(contract, "甲"), rep, "boss",
            stance="angry", milestones=[foreign.pk], support_plan="x" * 5001,
        )  # fmt: skip
    assert set(refused.value.message_dict) == {
        "delivery_role", "stance", "milestones", "support_plan",
    }  # fmt: skip
    assert not DeliveryChainMember.objects.exists()


def test_only_contract_editors_write(rep, other_rep, finance, manager, contract):
    added = member(contract, person(contract, "甲"), manager, "signatory")
    for outsider in (other_rep, finance):
        with pytest.raises(PermissionDenied):
            member(contract, person(contract, f"乙{outsider.pk}"), outsider)
        with pytest.raises(PermissionDenied):
            delivery_member_update(
                member=added, actor=outsider, version=0, data={"stance": "opponent"}
            )
        with pytest.raises(PermissionDenied):
            delivery_member_remove(member=added, actor=outsider)
    added.refresh_from_db()
    assert added.stance == "unknown"


def test_terminated_contract_chain_is_frozen(rep, contract):
    added = member(contract, person(contract, "甲"), rep)
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.TERMINATED)
    contract.refresh_from_db()
    added.contract = contract
    with pytest.raises(ValidationError):
        delivery_member_update(member=added, actor=rep, version=0, data={"stance": "supporter"})


def test_update_bumps_version_and_stale_edit_is_refused(rep, manager, contract):
    added = member(contract, person(contract, "甲"), rep)
    milestone = contract.milestones.order_by("position").first()
    saved = delivery_member_update(
        member=added, actor=manager, version=0,
        data={"stance": "opponent", "signs_all_milestones": True, "milestones": [milestone.pk]},
    )  # fmt: skip
    assert saved.version == 1 and saved.updated_by == manager
    history = _history(saved)
    assert history["stance"] == ("未知", "反对")
    assert history["milestones"] == ("", "全部回款节点")
    with pytest.raises(ValidationError) as stale:
        delivery_member_update(member=added, actor=rep, version=0, data={"stance": "supporter"})
    assert "version" in stale.value.message_dict
    saved.refresh_from_db()
    assert saved.stance == "opponent" and saved.version == 1


def test_signoff_signed_refused_and_back_to_pending(rep, contract):
    added = member(contract, person(contract, "甲"), rep)
    today = timezone.localdate()
    signed = delivery_member_record_signoff(
        member=added, actor=rep, version=0, status="signed", on=today, note="验收单已签"
    )
    assert (signed.signoff_status, signed.signoff_on, signed.version) == ("signed", today, 1)
    assert _history(signed)["signoff_status"] == ("待签核", "已签核")
    with pytest.raises(ValidationError) as stale:
        delivery_member_record_signoff(
            member=added, actor=rep, version=0, status="refused", on=today
        )
    assert "version" in stale.value.message_dict
    pending = delivery_member_record_signoff(
        member=added, actor=rep, version=1, status="pending", on=today
    )
    assert pending.signoff_on is None and pending.signoff_status == "pending"


@pytest.mark.parametrize(
    ("status", "days", "field"),
    [("signed", None, "signoff_on"), ("refused", -1, "signoff_on"), ("maybe", 0, "signoff_status")],
)
def test_signoff_refusals(rep, contract, status, days, field):
    added = member(contract, person(contract, "甲"), rep)
    on = None if days is None else timezone.localdate() - timedelta(days=days)
    with pytest.raises(ValidationError) as refused:
        delivery_member_record_signoff(member=added, actor=rep, version=0, status=status, on=on)
    assert field in refused.value.message_dict
    added.refresh_from_db()
    assert added.signoff_status == "pending" and added.version == 0


def test_remove_keeps_a_trace_on_the_contract(rep, contract):
    added = member(contract, person(contract, "钱财务", title="财务部长"), rep)
    delivery_member_remove(member=added, actor=rep)
    assert not DeliveryChainMember.objects.exists()
    assert _history(contract)["delivery_chain"] == ("钱财务（财务部长）（财务）", "")
