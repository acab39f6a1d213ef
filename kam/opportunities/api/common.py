"""What the /api/opportunities endpoints share: the router, visibility, and how a refused
service call becomes a response (403, 409 on a stale version, 422 with field errors or the
gate's missing list)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from ninja import Router, Status
from ninja.errors import HttpError

from kam.accounts.rules import account_visibility_q
from kam.core.api import validation_errors
from kam.core.versioning import STALE_MESSAGE
from kam.opportunities.models import Opportunity
from kam.opportunities.rules import opportunity_can_edit
from kam.opportunities.services.moves import GateRefused
from kam.users.models import User

deals_router = Router(tags=["opportunities"])
MAX_LIMIT = 100
NOT_EDITABLE = gettext_lazy("只读：你没有编辑该商机的权限。")
# Service field name → API field name, so errors name what the client sent.
API_NAMES = {"owner": "owner_id", "process": "process_id", "to_stage": "to_stage_id",
             "user": "user_id", "account": "account_id"}  # fmt: skip


def deals_visible(user: User) -> QuerySet[Opportunity]:
    return Opportunity.objects.filter(account_visibility_q(user, "account__")).select_related(
        "account", "owner", "stage"
    )


def deal_get(user: User, opportunity_id: int) -> Opportunity:
    """The opportunity, or 404: an invisible deal looks exactly like a missing one."""
    return get_object_or_404(deals_visible(user), pk=opportunity_id)


def deal_get_editable(user: User, opportunity_id: int) -> Opportunity:
    opportunity = deal_get(user, opportunity_id)
    if not opportunity_can_edit(user, opportunity):
        raise HttpError(403, str(NOT_EDITABLE))
    return opportunity


def is_stale(error: ValidationError) -> bool:
    """The conflict error, with or without a field (a field's errors lose their code)."""
    if getattr(error, "code", None) == "stale":
        return True
    return str(STALE_MESSAGE) in [str(message) for message in error.messages]


def refusal(error: Exception) -> Status:
    """PermissionDenied → 403; stale version → 409; GateRefused → 422 with the missing list;
    any other ValidationError → 422 with errors by API field name."""
    if isinstance(error, PermissionDenied):
        return Status(403, {"detail": str(error) or str(NOT_EDITABLE)})
    assert isinstance(error, ValidationError)  # noqa: S101 - only the two are caught
    if isinstance(error, GateRefused):
        return Status(422, {"detail": error.messages[0],
                            "missing": [m.as_dict() for m in error.missing]})  # fmt: skip
    if is_stale(error):
        return Status(409, {"detail": str(STALE_MESSAGE)})
    return Status(422, {"errors": validation_errors(error, API_NAMES)})


def money(value: Decimal) -> str:
    return f"{value:.2f}"
