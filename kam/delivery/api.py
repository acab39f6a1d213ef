"""/api/delivery/contracts/{contract_id}/…: a contract's delivery decision chain and its
coverage (SPEC R-COL-6), through the same services and visibility as the page."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError

from kam.contacts.models import Contact
from kam.contracts.selectors import contract_get_visible
from kam.delivery.models import DeliveryChainMember
from kam.delivery.rules import delivery_chain_can_edit
from kam.delivery.schemas import (
    ChainOut,
    CoverageOut,
    ErrorsOut,
    MemberIn,
    MemberOut,
    MemberPatchIn,
    SignOffIn,
)
from kam.delivery.selectors import (
    delivery_chain_for,
    delivery_coverage,
    delivery_member_get_visible,
    delivery_suggestions,
)
from kam.delivery.services import (
    delivery_member_add,
    delivery_member_record_signoff,
    delivery_member_remove,
    delivery_member_update,
)
from kam.users.models import User

router = Router(tags=["delivery"])


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - TokenAuth always sets a real user
    return user


# The services name model fields; the API names its payload's.
PAYLOAD_NAMES = {
    "contact": "contact_id",
    "milestones": "milestone_ids",
    "signoff_status": "status",
    "signoff_on": "on",
    "signoff_note": "note",
}


def _errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            PAYLOAD_NAMES.get(key, key): list(value) for key, value in error.message_dict.items()
        }
    return {"__all__": [str(message) for message in error.messages]}


def _run(call: Callable[[], Any], success: Callable[[Any], Any], code: int = 200) -> Any:
    """One service call: 403 when not allowed, 422 with field errors when refused."""
    try:
        result = call()
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": _errors(error)})
    return Status(code, success(result))


def _out(member: DeliveryChainMember) -> dict[str, Any]:
    contact = member.contact
    return {
        "id": member.pk,
        "contract_id": member.contract_id,
        "contact_id": contact.pk,
        "contact_name": contact.name,
        "contact_title": contact.title,
        "contact_status": contact.status,
        "delivery_role": member.delivery_role,
        "stance": member.stance,
        "scores": {
            "closeness": contact.closeness,
            "solution_acceptance": contact.solution_acceptance,
            "price_acceptance": contact.price_acceptance,
        },
        "signs_all_milestones": member.signs_all_milestones,
        "milestone_ids": sorted(m.pk for m in member.milestones.all()),
        "signoff_status": member.signoff_status,
        "signoff_on": member.signoff_on,
        "signoff_note": member.signoff_note,
        "support_plan": member.support_plan,
        "updated_by_id": member.updated_by_id,
        "updated_at": member.updated_at,
        "version": member.version,
    }


def _fresh(member: DeliveryChainMember) -> dict[str, Any]:
    """The saved row as the list shows it (its contact and milestones read again)."""
    found = next(m for m in delivery_chain_for(member.contract) if m.pk == member.pk)
    return _out(found)


@router.get("/contracts/{contract_id}/chain", response=ChainOut)
def chain_list_endpoint(request: HttpRequest, contract_id: int) -> Any:
    contract = contract_get_visible(_user(request), contract_id)
    return {"items": [_out(member) for member in delivery_chain_for(contract)]}


@router.post("/contracts/{contract_id}/chain", response={201: MemberOut, 422: ErrorsOut})
def member_add_endpoint(request: HttpRequest, contract_id: int, payload: MemberIn) -> Any:
    user = _user(request)
    contract = contract_get_visible(user, contract_id)
    # Only the contract's own account is searched: any other id is refused by field, unseen.
    contact = Contact.objects.filter(pk=payload.contact_id, account_id=contract.account_id).first()
    if contact is None:
        if not delivery_chain_can_edit(user, contract):
            raise HttpError(403, _("只有合同负责人及其上级可以维护交付决策链。"))
        return Status(422, {"errors": {"contact_id": [_("只能添加本合同客户的关键人。")]}})
    data = payload.model_dump(exclude={"contact_id", "milestone_ids"})
    data["milestones"] = payload.milestone_ids
    return _run(
        lambda: delivery_member_add(contract=contract, contact=contact, actor=user, data=data),
        _fresh,
        201,
    )


@router.patch(
    "/contracts/{contract_id}/chain/{member_id}", response={200: MemberOut, 422: ErrorsOut}
)
def member_update_endpoint(
    request: HttpRequest, contract_id: int, member_id: int, payload: MemberPatchIn
) -> Any:
    user = _user(request)
    member = delivery_member_get_visible(user, contract_get_visible(user, contract_id), member_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    if "milestone_ids" in changes:
        changes["milestones"] = changes.pop("milestone_ids") or []
    return _run(
        lambda: delivery_member_update(member=member, actor=user, version=version, data=changes),
        _fresh,
    )


@router.post(
    "/contracts/{contract_id}/chain/{member_id}/sign-off",
    response={200: MemberOut, 422: ErrorsOut},
)
def signoff_endpoint(
    request: HttpRequest, contract_id: int, member_id: int, payload: SignOffIn
) -> Any:
    user = _user(request)
    member = delivery_member_get_visible(user, contract_get_visible(user, contract_id), member_id)
    return _run(
        lambda: delivery_member_record_signoff(
            member=member,
            actor=user,
            version=payload.version,
            status=payload.status,
            on=payload.on,
            note=payload.note,
        ),
        _fresh,
    )


@router.delete("/contracts/{contract_id}/chain/{member_id}", response={204: None})
def member_remove_endpoint(request: HttpRequest, contract_id: int, member_id: int) -> Any:
    user = _user(request)
    member = delivery_member_get_visible(user, contract_get_visible(user, contract_id), member_id)
    return _run(lambda: delivery_member_remove(member=member, actor=user), lambda _r: None, 204)


@router.get("/contracts/{contract_id}/coverage", response=CoverageOut)
def coverage_endpoint(request: HttpRequest, contract_id: int) -> Any:
    user = _user(request)
    contract = contract_get_visible(user, contract_id)
    members = delivery_chain_for(contract)
    coverage = delivery_coverage(members)
    # Suggestions name people of the account; only its editors see the whole account.
    suggestions = (
        delivery_suggestions(contract, coverage) if delivery_chain_can_edit(user, contract) else []
    )
    return {
        "uncovered": [
            {"code": role.value, "label": str(role.label)} for role in coverage.uncovered
        ],
        "opposing_ids": [m.pk for m in coverage.opposing],
        "low_score_ids": [m.pk for m in coverage.low_scores],
        "refused_ids": [m.pk for m in coverage.refused],
        "left_ids": [m.pk for m in coverage.left],
        "signed": coverage.signed,
        "members": len(members),
        "suggestions": [
            {
                "contact_id": s.contact.pk,
                "contact_name": s.contact.name,
                "contact_title": s.contact.title,
                "role": s.role.value,
            }
            for s in suggestions
        ],
    }
