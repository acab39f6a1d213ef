"""Accounts, their key people and interactions: the first kinds, indexed from model instances
by their own services and from plain value rows by the rebuild (same *_text functions)."""

from collections.abc import Iterator

from django.db import transaction

from kam.accounts.models import Account
from kam.contacts.models import Contact
from kam.contracts.models import Contract
from kam.interactions.models import Interaction
from kam.search.models import DocumentKind, SearchDocument
from kam.search.services.common import Row, row, upsert, write
from kam.search.services.money import contract_rows

# The fields each document is made of, in the order the *_text functions take them, so the
# bulk rebuild can read plain rows instead of model instances. Who sees a document is read
# through its account when searching, so an owner change (a claim, a handover) leaves the
# account's document as it is.
ACCOUNT_TEXT_FIELDS = ("name", "credit_code", "city", "province", "description")
CONTACT_TEXT_FIELDS = (
    "name", "title", "department", "phone", "email", "wechat", "background", "character",
    "decision_style", "preferences",
)  # fmt: skip
INTERACTION_TEXT_FIELDS = ("subject", "content", "reception_notes", "outcome", "next_step")


def _account_text(
    name: str, credit_code: str | None, city: str, province: str, description: str
) -> tuple[str, str]:
    return name, " ".join(part for part in [credit_code, city, province, description] if part)


def _contact_text(name: str, title: str, *details: str) -> tuple[str, str]:
    return f"{name} {title}".strip(), " ".join(part for part in details if part)


def _interaction_text(subject: str, *parts: str) -> tuple[str, str]:
    return subject, "\n".join(part for part in parts if part)


def account_document_text(account: Account) -> tuple[str, str]:
    return _account_text(*(getattr(account, field) for field in ACCOUNT_TEXT_FIELDS))


def contact_document_text(contact: Contact) -> tuple[str, str]:
    return _contact_text(*(getattr(contact, field) for field in CONTACT_TEXT_FIELDS))


def interaction_document_text(interaction: Interaction) -> tuple[str, str]:
    return _interaction_text(*(getattr(interaction, field) for field in INTERACTION_TEXT_FIELDS))


@transaction.atomic(savepoint=False)
def search_index_account(account: Account) -> SearchDocument:
    title, body = account_document_text(account)
    indexed_name = (
        SearchDocument.objects.filter(kind=DocumentKind.ACCOUNT, object_id=account.pk)
        .values_list("title", flat=True)
        .first()
    )
    document = upsert(
        kind=DocumentKind.ACCOUNT, object_id=account.pk, account_id=account.pk,
        title=title, body=body,
    )  # fmt: skip
    if indexed_name is not None and indexed_name != document.title:
        # Contract documents carry their account's name; only a rename costs their rewrite.
        for contract_row in contract_rows(Contract.objects.filter(account_id=account.pk), 100):
            write(contract_row)
    return document


@transaction.atomic(savepoint=False)
def search_index_contact(contact: Contact) -> SearchDocument:
    title, body = contact_document_text(contact)
    return upsert(
        kind=DocumentKind.CONTACT, object_id=contact.pk, account_id=contact.account_id,
        title=title, body=body,
    )  # fmt: skip


@transaction.atomic(savepoint=False)
def search_index_interaction(interaction: Interaction) -> SearchDocument:
    title, body = interaction_document_text(interaction)
    return upsert(
        kind=DocumentKind.INTERACTION, object_id=interaction.pk,
        account_id=interaction.account_id, title=title, body=body,
        occurred_at=interaction.occurred_at,
    )  # fmt: skip


def account_rows(batch_size: int) -> Iterator[Row]:
    accounts = Account.objects.order_by("id").values_list("id", *ACCOUNT_TEXT_FIELDS)
    for pk, *fields in accounts.iterator(chunk_size=batch_size):
        yield row(DocumentKind.ACCOUNT, pk, pk, *_account_text(*fields), None)


def contact_rows(batch_size: int) -> Iterator[Row]:
    contacts = Contact.objects.order_by("id").values_list("id", "account_id", *CONTACT_TEXT_FIELDS)
    for pk, account_id, *fields in contacts.iterator(chunk_size=batch_size):
        yield row(DocumentKind.CONTACT, pk, account_id, *_contact_text(*fields), None)


def interaction_rows(batch_size: int) -> Iterator[Row]:
    """Oldest first, so document ids (the result order) follow time."""
    interactions = Interaction.objects.order_by("occurred_at", "id").values_list(
        "id", "account_id", "occurred_at", *INTERACTION_TEXT_FIELDS
    )
    for pk, account_id, occurred_at, *fields in interactions.iterator(chunk_size=batch_size):
        yield row(
            DocumentKind.INTERACTION, pk, account_id, *_interaction_text(*fields), occurred_at
        )
