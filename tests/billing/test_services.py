from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kam.billing.enums import BillingEventKind, InvoiceStatus, ReceiptStatus
from kam.billing.models import Allocation, BillingEvent
from kam.billing.money import tax_split
from kam.billing.selectors import account_credit, aging, aging_total, milestone_money_map
from kam.billing.services.invoices import invoice_issue, invoice_void
from kam.billing.services.receipts import receipt_allocate, receipt_record, receipt_reverse

pytestmark = pytest.mark.django_db


def _invoice(milestone, actor, amount, number="00000001", rate="13"):
    return invoice_issue(
        milestone=milestone, actor=actor,
        data={"kind": "special", "number": number, "tax_rate": rate,
              "amount_with_tax": amount, "issued_on": date(2026, 2, 1)},
    )  # fmt: skip


def _receipt(account, actor, amount, contract=None):
    return receipt_record(
        account=account, actor=actor,
        data={"amount": amount, "received_on": date(2026, 2, 3), "method": "bank_transfer",
              "payer_name": "付款单位", "reference": "LS001", "contract": contract},
    )  # fmt: skip


def test_tax_split_parts_sum_to_the_whole():
    assert tax_split(Decimal("113.00"), Decimal(13)) == (Decimal("100.00"), Decimal("13.00"))
    without, tax = tax_split(Decimal("0.01"), Decimal(13))
    assert without + tax == Decimal("0.01")
    assert tax_split(Decimal("100.00"), Decimal(0)) == (Decimal("100.00"), Decimal("0.00"))


def test_invoice_beyond_the_milestone_is_refused_with_the_remaining_amount(contract, finance):
    milestone = contract.milestones.get(position=1)
    invoice = _invoice(milestone, finance, "200.00")
    assert invoice.amount_without_tax == Decimal("176.99")
    assert invoice.tax == Decimal("23.01")
    with pytest.raises(ValidationError) as refusal:
        _invoice(milestone, finance, "100.01", number="00000002")
    assert refusal.value.message_dict["amount_with_tax"] == ["该节点还可开票 100.00 元。"]
    invoice_void(invoice=invoice, actor=finance, version=invoice.version, reason="开错抬头")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.VOIDED
    assert _invoice(milestone, finance, "300.00", number="00000003").pk
    assert list(BillingEvent.objects.filter(invoice=invoice).values_list("kind", flat=True)) == [
        BillingEventKind.INVOICE_ISSUED, BillingEventKind.INVOICE_VOIDED,
    ]  # fmt: skip


def test_invoice_refuses_float_rate_and_duplicate_number(contract, finance):
    milestone = contract.milestones.get(position=1)
    _invoice(milestone, finance, "10.00")
    with pytest.raises(ValidationError) as refusal:
        invoice_issue(
            milestone=milestone, actor=finance,
            data={"kind": "normal", "number": "00000001", "tax_rate": "7",
                  "amount_with_tax": 1.5, "issued_on": date(2026, 2, 1)},
        )  # fmt: skip
    assert set(refusal.value.message_dict) == {"number", "tax_rate", "amount_with_tax"}


def test_reps_cannot_record_money(contract, rep, manager):
    for user in (rep, manager):
        with pytest.raises(PermissionDenied):
            _receipt(contract.account, user, "10.00")
        with pytest.raises(PermissionDenied):
            _invoice(contract.milestones.first(), user, "10.00")


def test_partial_payment_overpayment_credit_and_reversal(contract, finance):
    first, second, _third = contract.milestones.order_by("position")
    receipt = _receipt(contract.account, finance, "500.00")
    with pytest.raises(ValidationError) as refusal:
        receipt_allocate(receipt=receipt, allocations=[(first, "300.01")], actor=finance, version=0)
    assert "还欠 300.00 元" in refusal.value.message_dict["allocations"][0]
    receipt_allocate(
        receipt=receipt, allocations=[(first, "300.00"), (second, "100.00")], actor=finance,
        version=0,
    )  # fmt: skip
    assert receipt.version == 1
    money = milestone_money_map([first.pk, second.pk], date(2026, 3, 1))
    assert money[first.pk].outstanding == Decimal("0.00")
    assert money[second.pk].outstanding == Decimal("300.00")
    assert money[second.pk].days_overdue == 28
    assert account_credit([contract.account_id]) == {contract.account_id: Decimal("100.00")}
    with pytest.raises(ValidationError) as refusal:
        receipt_allocate(
            receipt=receipt, allocations=[(second, "100.01")], actor=finance, version=1
        )
    assert "未核销余额 100.00 元" in refusal.value.message_dict["allocations"][0]
    with pytest.raises(ValidationError):  # stale version
        receipt_allocate(receipt=receipt, allocations=[(second, "1.00")], actor=finance, version=0)
    receipt_reverse(receipt=receipt, actor=finance, version=1, reason="银行退票")
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.REVERSED
    assert Allocation.objects.filter(receipt=receipt, reversed_at__isnull=False).count() == 2
    assert milestone_money_map([first.pk], date(2026, 3, 1))[first.pk].outstanding == 300
    assert account_credit([contract.account_id]) == {}
    with pytest.raises(ValidationError):
        receipt_reverse(receipt=receipt, actor=finance, version=2, reason="再来")


def test_receipt_for_another_account_cannot_pay_this_contract(contract, other_account, finance):
    receipt = _receipt(other_account, finance, "10.00")
    with pytest.raises(ValidationError):
        receipt_allocate(
            receipt=receipt, allocations=[(contract.milestones.first(), "10.00")], actor=finance,
            version=0,
        )  # fmt: skip
    with pytest.raises(ValidationError) as refusal:
        _receipt(other_account, finance, "10.00", contract=contract)
    assert "contract" in refusal.value.message_dict


def test_aging_buckets(rep_account, finance, rep, other_rep, other_account):
    from tests.billing.conftest import signed_contract

    today = date(2026, 12, 31)
    dates = [date(2026, 12, 31), date(2026, 12, 1), date(2026, 11, 15), date(2026, 8, 1),
             date(2026, 1, 1)]  # fmt: skip
    contract = signed_contract(rep_account, ["1.00", "2.00", "4.00", "8.00", "16.00"], dates)
    signed_contract(other_account, ["99.00"], [date(2026, 1, 1)])
    receipt = _receipt(rep_account, finance, "0.50")
    receipt_allocate(
        receipt=receipt, allocations=[(contract.milestones.get(position=5), "0.50")],
        actor=finance, version=0,
    )  # fmt: skip
    rows = aging(rep, today)
    assert len(rows) == 1
    assert rows[0].buckets == {
        "d0_30": Decimal("2.00"), "d31_90": Decimal("4.00"), "d91_180": Decimal("8.00"),
        "d180_plus": Decimal("15.50"),
    }  # fmt: skip
    assert rows[0].outstanding == Decimal("30.50")
    company = aging(finance, today, "company")
    assert aging_total(company).overdue == Decimal("128.50")
    assert {r.label for r in aging(finance, today, "owner")} == {
        rep.display_name, other_rep.display_name,
    }  # fmt: skip
