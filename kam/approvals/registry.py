"""The catalogue of approval types. Each app registers its own types (and the code that runs
when one is finally approved); the engine itself knows none of them.

No model imports here: apps register types from their AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from kam.approvals.models import Approval
    from kam.users.models import User

type StrOrPromise = str | Promise


@dataclass(frozen=True)
class ChainRule:
    rule: str
    role: str = ""
    user_id: int | None = None
    # The rule applies only to approvals whose amount is at least this.
    min_amount: Decimal | None = None


@dataclass(frozen=True)
class ChangeRow:
    """One line of the "what changes" table on the approval page."""

    label: str
    old: str
    new: str


@dataclass(frozen=True)
class ApprovalType:
    code: str
    label: StrOrPromise
    default_chain: tuple[ChainRule, ...]
    # Runs on the final approval inside the approving transaction; a ValidationError aborts it.
    apply: Callable[[Approval, User], None] | None = None
    on_rejected: Callable[[Approval, User], None] | None = None
    # Returned for changes or withdrawn by the requester: the subject is theirs to edit again.
    on_sent_back: Callable[[Approval, User], None] | None = None
    # Optional: render the payload as old → new rows; otherwise a key/value table is shown.
    describe: Callable[[Approval], list[ChangeRow]] | None = None
    has_amount: bool = False


_TYPES: dict[str, ApprovalType] = {}


def approval_type_register(t: ApprovalType) -> None:
    """Add or replace (by code) an approval type."""
    _TYPES[t.code] = t


def approval_type_registered(code: str) -> bool:
    return code in _TYPES


def approval_type_get(code: str) -> ApprovalType:
    try:
        return _TYPES[code]
    except KeyError:
        raise ValueError(f"unknown approval type {code!r}; register it first") from None


def approval_types() -> list[ApprovalType]:
    return list(_TYPES.values())


def approval_type_label(code: str) -> str:
    """The type's label, or its code when no app registers it (any more)."""
    registered = _TYPES.get(code)
    return str(registered.label) if registered is not None else code
