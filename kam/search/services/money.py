"""Contracts, invoices and receipts. Each document belongs to the account the money is about
(a receipt's own account even before it is tied to a contract); finance finds all of them (see
kam.search.selectors.document_visibility_q). Invoices and receipts carry their contract's
number and name, so indexing a contract rewrites them too."""

from collections.abc import Iterator, Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation

from kam.billing.enums import InvoiceKind, InvoiceStatus, ReceiptMethod, ReceiptStatus
from kam.billing.models import Invoice, Receipt
from kam.contracts.models import Contract
from kam.search.models import DocumentKind, SearchDocument
from kam.search.services.common import Row, row, sync, write


def _labels(choices: Sequence[tuple[str, object]]) -> dict[str, str]:
    # Indexed text is in the records' language (the msgids), whoever triggers the indexing.
    with translation.override(None):
        return {value: str(label) for value, label in choices}


def _amount(value: Decimal) -> str:
    # No thousands separators: "128000.00" is one searchable number, "128,000.00" two.
    return f"{value:.2f}"


def _join(*parts: str | None) -> str:
    return " ".join(part for part in parts if part)


def contract_rows(contracts: QuerySet[Contract], batch_size: int) -> Iterator[Row]:
    """A contract is found by its number, name, account and terms."""
    values = contracts.order_by("id").values_list(
        "id", "account_id", "number", "name", "account__name", "terms"
    )
    for pk, account_id, number, name, account_name, terms in values.iterator(chunk_size=batch_size):
        body = "\n".join(part for part in [account_name, terms] if part)
        yield row(DocumentKind.CONTRACT, pk, account_id, _join(number, name), body, None)


def invoice_rows(invoices: QuerySet[Invoice], batch_size: int) -> Iterator[Row]:
    """An invoice is found by its number, kind, amount and contract; the hit opens the invoice
    list filtered to that contract (invoices have no page of their own)."""
    kinds, statuses = _labels(InvoiceKind.choices), _labels(InvoiceStatus.choices)
    values = invoices.order_by("id").values_list(
        "id", "contract__account_id", "contract_id", "number", "kind", "status",
        "amount_with_tax", "issued_on", "contract__number", "contract__name",
    )  # fmt: skip
    list_url = reverse("billing:invoices")
    for (
        pk, account_id, contract_id, number, kind, status, amount, issued_on,
        contract_number, contract_name,
    ) in values.iterator(chunk_size=batch_size):  # fmt: skip
        title = _join(kinds.get(kind, kind), number)
        body = _join(
            f"价税合计 {_amount(amount)} 元", issued_on.isoformat(), statuses.get(status, status),
            contract_number, contract_name,
        )  # fmt: skip
        url = f"{list_url}?contract={contract_id}"
        yield row(DocumentKind.INVOICE, pk, account_id, title, body, None, url=url)


def receipt_rows(receipts: QuerySet[Receipt], batch_size: int) -> Iterator[Row]:
    """A receipt is found by its payer, bank serial or bill number, amount and contract."""
    methods, statuses = _labels(ReceiptMethod.choices), _labels(ReceiptStatus.choices)
    values = receipts.order_by("id").values_list(
        "id", "account_id", "amount", "received_on", "method", "status", "payer_name",
        "reference", "contract__number", "contract__name",
    )  # fmt: skip
    for (
        pk, account_id, amount, received_on, method, status, payer_name, reference,
        contract_number, contract_name,
    ) in values.iterator(chunk_size=batch_size):  # fmt: skip
        title = _join(f"回款 {_amount(amount)} 元", payer_name)
        body = _join(
            reference, received_on.isoformat(), methods.get(method, method),
            statuses.get(status, status), contract_number, contract_name,
        )  # fmt: skip
        yield row(DocumentKind.RECEIPT, pk, account_id, title, body, None)


@transaction.atomic(savepoint=False)
def search_index_contract(contract: Contract) -> SearchDocument | None:
    contracts = Contract.objects.filter(pk=contract.pk)
    document = sync(DocumentKind.CONTRACT, contract.pk, contract_rows(contracts, 1))
    for money_row in (
        *invoice_rows(Invoice.objects.filter(contract_id=contract.pk), 100),
        *receipt_rows(Receipt.objects.filter(contract_id=contract.pk), 100),
    ):
        write(money_row)
    return document


@transaction.atomic(savepoint=False)
def search_index_invoice(invoice: Invoice) -> SearchDocument | None:
    invoices = Invoice.objects.filter(pk=invoice.pk)
    return sync(DocumentKind.INVOICE, invoice.pk, invoice_rows(invoices, 1))


@transaction.atomic(savepoint=False)
def search_index_receipt(receipt: Receipt) -> SearchDocument | None:
    receipts = Receipt.objects.filter(pk=receipt.pk)
    return sync(DocumentKind.RECEIPT, receipt.pk, receipt_rows(receipts, 1))
