"""The demo's money tells a story: paid, partly paid, overdue, reversed, overpaid, unmatched."""

from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from kam.billing.enums import ReceiptStatus
from kam.billing.models import Invoice, Receipt
from kam.billing.selectors import account_credit, aging, aging_total
from kam.checklists.models import ChecklistEvidence, ChecklistItem
from kam.delivery.models import DeliveryChainMember
from kam.notifications.models import Notification
from kam.users.models import User

pytestmark = pytest.mark.django_db


def _today() -> date:
    return timezone.localdate()


def test_demo_billing_has_every_case():
    call_command("demo_load", stdout=None)
    finance = User.objects.get(username="finance")
    assert Invoice.objects.exists()
    assert Receipt.objects.filter(status=ReceiptStatus.REVERSED).exists()
    assert Receipt.objects.filter(contract__isnull=True).exists()
    credits = account_credit(list(Receipt.objects.values_list("account_id", flat=True)))
    assert any(amount > 0 for amount in credits.values())
    total = aging_total(aging(finance, _today()))
    assert total.overdue > 0
    call_command("demo_load", "--reset", stdout=None)
    assert Receipt.objects.exists()


def test_demo_checklists_are_worked_and_alerts_sent():
    call_command("demo_load", stdout=None)
    assert ChecklistItem.objects.filter(done_at__isnull=False).exists()
    assert ChecklistItem.objects.filter(done_at__isnull=True).exists()
    assert ChecklistEvidence.objects.exists()
    assert Notification.objects.filter(kind="collection").exists()
    assert DeliveryChainMember.objects.filter(signoff_status="signed").exists()
    assert DeliveryChainMember.objects.filter(stance="opponent").exists()
