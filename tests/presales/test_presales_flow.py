"""Request → approval → dispatch → hours → confirmed hours → cost (SPEC R-OPP-7)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kam.audit.models import FieldChange
from kam.opportunities.enums import TeamRole
from kam.opportunities.models import OpportunityTeamMember
from kam.presales.enums import HoursStatus, RequestStatus
from kam.presales.models import HoursLog
from kam.presales.services import (
    hours_log_create,
    hours_submit,
    presales_dispatch,
    presales_request_create,
    presales_request_submit,
)
from kam.users.enums import Role
from tests.conftest import client_for
from tests.factories import AccountTeamMemberFactory, UserFactory
from tests.presales.conftest import approval_for, approve_fully, reject

pytestmark = pytest.mark.django_db

DATA = {
    "kind": "solution",
    "description": "智能工厂整体方案设计",
    "needed_from": date(2026, 11, 10),
    "needed_to": date(2026, 11, 20),
    "estimated_hours": "16.5",
}


@pytest.fixture
def presales_person(team_two, other_manager):
    return UserFactory(
        username="presales", display_name="冯售前", role=Role.SOLUTION_MANAGER, team=team_two,
        manager=other_manager,
    )  # fmt: skip


def _approved_request(opportunity, rep):
    request = presales_request_create(opportunity=opportunity, actor=rep, data=DATA, submit=True)
    approve_fully(approval_for(request, "presales_request"))
    request.refresh_from_db()
    return request


def test_submit_goes_to_approval_with_estimated_cost(opportunity, rep, manager):
    request = presales_request_create(opportunity=opportunity, actor=rep, data=DATA, submit=True)
    assert request.status == RequestStatus.PENDING
    approval = approval_for(request, "presales_request")
    assert approval.amount == Decimal("13200.00")  # 16.5 h × 800.00
    assert approval.opportunity_id == opportunity.pk
    assert approval.steps.get(position=1).approver == manager


def test_poc_uses_the_presales_test_type(opportunity, rep):
    request = presales_request_create(
        opportunity=opportunity, actor=rep, data={**DATA, "kind": "poc"}, submit=True
    )
    assert approval_for(request, "presales_test").status == "pending"


def test_approval_and_rejection_set_the_status(opportunity, rep):
    request = _approved_request(opportunity, rep)
    assert request.status == RequestStatus.APPROVED
    second = presales_request_create(opportunity=opportunity, actor=rep, data=DATA, submit=True)
    reject(approval_for(second, "presales_request"))
    second.refresh_from_db()
    assert second.status == RequestStatus.REJECTED
    # A rejected request may be fixed and sent again.
    again = presales_request_submit(request=second, actor=rep, version=second.version)
    assert again.status == RequestStatus.PENDING


def test_bad_input_names_the_field_and_saves_nothing(opportunity, rep):
    for changes, field in (
        ({"estimated_hours": "0"}, "estimated_hours"),
        ({"estimated_hours": "3.3"}, "estimated_hours"),
        ({"needed_to": date(2026, 11, 1)}, "needed_to"),
        ({"kind": "magic"}, "kind"),
        ({"description": "  "}, "description"),
    ):
        with pytest.raises(ValidationError) as error:
            presales_request_create(opportunity=opportunity, actor=rep, data={**DATA, **changes})
        assert field in error.value.message_dict
    with pytest.raises(TypeError):
        presales_request_create(
            opportunity=opportunity, actor=rep, data={**DATA, "estimated_hours": 16.5}
        )
    assert not opportunity.presales_requests.exists()


def test_other_team_cannot_request(opportunity, other_rep):
    with pytest.raises(PermissionDenied):
        presales_request_create(opportunity=opportunity, actor=other_rep, data=DATA)


def test_dispatch_adds_the_person_to_the_team_who_then_sees_the_deal(
    opportunity, rep, manager, presales_person
):
    request = _approved_request(opportunity, rep)
    client = client_for(presales_person)
    assert client.get(reverse("presales:detail", args=[request.pk])).status_code == 404

    [assignment] = presales_dispatch(
        request=request, actor=manager, version=request.version, users=[presales_person]
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.DISPATCHED
    assert OpportunityTeamMember.objects.filter(
        opportunity=opportunity, user=presales_person, role=TeamRole.PRESALES
    ).exists()
    assert client.get(reverse("presales:detail", args=[request.pk])).status_code == 200
    assert client.get(reverse("accounts:detail", args=[opportunity.account_id])).status_code == 200
    assert client.get(reverse("presales:panel", args=[opportunity.pk])).status_code == 200
    from kam.notifications.models import Notification

    assert Notification.objects.filter(recipient=presales_person, subject_id=request.pk).exists()
    mine = client.get(reverse("presales:mine"))
    assert f'data-assignment="{assignment.pk}"' in mine.content.decode()


def test_dispatcher_without_edit_rights_seats_the_person_with_an_audit_row(
    opportunity, rep, presales_person, team_two, director
):
    # A pre-sales manager who reads the account (account team) but is outside the owner line.
    dispatcher = UserFactory(role=Role.SALES_MANAGER, team=team_two, manager=director)
    AccountTeamMemberFactory(account=opportunity.account, user=dispatcher)
    request = _approved_request(opportunity, rep)
    presales_dispatch(
        request=request, actor=dispatcher, version=request.version, users=[presales_person]
    )
    member = OpportunityTeamMember.objects.get(
        opportunity=opportunity, user=presales_person, role=TeamRole.PRESALES
    )
    assert FieldChange.objects.filter(
        content_type=ContentType.objects.get_for_model(member),
        object_id=member.pk,
        actor=dispatcher,
    ).exists()


def test_dispatch_rules(opportunity, rep, manager, presales_person):
    pending = presales_request_create(opportunity=opportunity, actor=rep, data=DATA, submit=True)
    with pytest.raises(ValidationError):
        presales_dispatch(
            request=pending, actor=manager, version=pending.version, users=[presales_person]
        )
    request = _approved_request(opportunity, rep)
    with pytest.raises(PermissionDenied):
        presales_dispatch(request=request, actor=rep, version=request.version, users=[rep])
    presales_dispatch(
        request=request, actor=manager, version=request.version, users=[presales_person]
    )
    with pytest.raises(ValidationError, match="该记录已被他人修改"):
        presales_dispatch(
            request=request, actor=manager, version=request.version, users=[presales_person]
        )


@pytest.fixture
def assignment(opportunity, rep, manager, presales_person):
    request = _approved_request(opportunity, rep)
    [assignment] = presales_dispatch(
        request=request, actor=manager, version=request.version, users=[presales_person]
    )
    return assignment


YESTERDAY = timezone.localdate() - timedelta(days=1)


def test_hours_validation(assignment, presales_person, rep):
    def log(hours, day=YESTERDAY, actor=presales_person):
        return hours_log_create(
            assignment=assignment, actor=actor, day=day, hours=hours, description="方案编写"
        )

    for bad in ("0", "-1", "0.3", "24.5", "abc"):
        with pytest.raises(ValidationError) as error:
            log(bad)
        assert "hours" in error.value.message_dict, bad
    with pytest.raises(TypeError):
        log(7.5)
    with pytest.raises(ValidationError) as error:
        log("2", day=timezone.localdate() + timedelta(days=1))
    assert "date" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        log("2", actor=rep)
    assert log("24").hours == Decimal("24.0")
    with pytest.raises(ValidationError, match="24"):
        log("0.5")  # the day is full
    assert log(Decimal("7.5"), day=YESTERDAY - timedelta(days=1)).hours == Decimal("7.5")
    assert HoursLog.objects.filter(assignment=assignment).count() == 2


def test_hours_confirmation_by_batch(assignment, presales_person, other_manager):
    first = hours_log_create(
        assignment=assignment, actor=presales_person, day=YESTERDAY, hours="4.5",
        description="需求调研",
    )  # fmt: skip
    approval = hours_submit(assignment=assignment, actor=presales_person)
    assert approval.type_code == "presales_hours"
    assert approval.payload["log_ids"] == [first.pk]
    assert approval.steps.get().approver == other_manager
    later = hours_log_create(
        assignment=assignment, actor=presales_person, day=YESTERDAY, hours="2",
        description="方案评审",
    )  # fmt: skip
    with pytest.raises(ValidationError):
        hours_submit(assignment=assignment, actor=presales_person)  # one batch at a time
    approve_fully(approval)
    first.refresh_from_db()
    later.refresh_from_db()
    assert first.status == HoursStatus.APPROVED
    assert first.approved_by == other_manager
    assert first.approved_at is not None
    assert later.status == HoursStatus.SUBMITTED

    second = hours_submit(assignment=assignment, actor=presales_person)
    reject(second)
    later.refresh_from_db()
    assert later.status == HoursStatus.REJECTED
