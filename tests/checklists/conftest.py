"""Signed contracts whose milestones fall due around `today`, written directly, and helpers to
pay a milestone, attach a file and call the API."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from kam.accounts.models import Account
from kam.billing.services.receipts import receipt_allocate, receipt_record
from kam.checklists.models import ChecklistItem
from kam.checklists.sync import checklists_sync
from kam.contracts.enums import ContractStatus, MilestoneKind, MilestoneTrigger
from kam.contracts.models import Contract, PaymentMilestone
from kam.users.models import User
from kam.users.services import api_token_create
from tests.factories import AccountFactory

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
KINDS = [
    MilestoneKind.DOWN_PAYMENT,
    MilestoneKind.DELIVERY,
    MilestoneKind.ACCEPTANCE,
    MilestoneKind.WARRANTY,
]


def make_signed(
    owner: User,
    due_in_days: list[int | None],
    *,
    today: date | None = None,
    name: str = "锅炉改造合同",
    kinds: list[str] | None = None,
    synced: bool = True,
) -> Contract:
    """A signed contract of `owner` with one 100.00 milestone per entry of `due_in_days` (days
    from today; None: not due yet), kinds in the usual order, their checklists synced as a
    saved plan's are."""
    today = today or timezone.localdate()
    account = cast(Account, AccountFactory(owner=owner))
    amount = Decimal("100.00") * max(1, len(due_in_days))
    contract = Contract.objects.create(
        account=account, name=name, amount=amount, owner=owner, created_by=owner,
        status=ContractStatus.SIGNED, signed_on=today - timedelta(days=60),
    )  # fmt: skip
    contract.number = f"HT2026{contract.pk:06d}"
    contract.save(update_fields=["number"])
    cycle: list[str] = list(kinds or KINDS)
    for position, days in enumerate(due_in_days, start=1):
        due = today + timedelta(days=days) if days is not None else None
        PaymentMilestone.objects.create(
            contract=contract, position=position, kind=cycle[(position - 1) % len(cycle)],
            amount=Decimal("100.00"), trigger=MilestoneTrigger.DATE, fixed_date=due,
            due_date=due,
        )  # fmt: skip
    if synced:
        checklists_sync(contract.milestones.all())
    return contract


def milestone(contract: Contract, position: int = 1) -> PaymentMilestone:
    return contract.milestones.get(position=position)


def items_of(target: PaymentMilestone) -> list[ChecklistItem]:
    return list(target.checklist_items.order_by("category", "position", "pk"))


def pay(target: PaymentMilestone, finance: User, amount: str = "100.00") -> None:
    contract = target.contract
    receipt = receipt_record(
        account=contract.account, actor=finance,
        data={"amount": amount, "received_on": timezone.localdate(), "method": "bank_transfer"},
    )  # fmt: skip
    receipt_allocate(
        receipt=receipt, allocations=[(target.pk, amount)], actor=finance, version=receipt.version
    )


def pdf(name: str = "签收单.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


class Api:
    base = "/api/checklists"

    def __init__(self, user: User) -> None:
        _token, key = api_token_create(user=user, name="t")
        self.client = Client()
        self.auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(f"{self.base}{path}", params or {}, **self.auth)

    def post(self, path: str, payload: Any = None) -> Any:
        return self.client.post(
            f"{self.base}{path}", payload or {}, content_type="application/json", **self.auth
        )
