"""Keeping the search index in step with the records. The owning apps' services call these
inside their own transactions, so a record and its index entry never disagree."""

from django.db import transaction

from kam.accounts.models import Account
from kam.contacts.models import Contact
from kam.interactions.models import Interaction
from kam.search.models import DocumentKind, SearchDocument
from kam.search.terms import text_terms


def _upsert(
    *, kind: str, object_id: int, account_id: int, title: str, body: str, occurred_at=None
) -> SearchDocument:
    terms = " ".join(text_terms(f"{title}\n{body}"))
    document, _ = SearchDocument.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={
            "account_id": account_id,
            "title": title[:300],
            "body": body,
            "terms": terms,
            "occurred_at": occurred_at,
        },
    )
    return document


def account_document_text(account: Account) -> tuple[str, str]:
    body = " ".join(
        part
        for part in [account.credit_code or "", account.city, account.province, account.description]
        if part
    )
    return account.name, body


def contact_document_text(contact: Contact) -> tuple[str, str]:
    title = f"{contact.name} {contact.title}".strip()
    body = " ".join(
        part
        for part in [
            contact.department, contact.phone, contact.email, contact.wechat,
            contact.background, contact.character, contact.decision_style, contact.preferences,
        ]
        if part
    )  # fmt: skip
    return title, body


def interaction_document_text(interaction: Interaction) -> tuple[str, str]:
    body = "\n".join(
        part
        for part in [
            interaction.content, interaction.reception_notes, interaction.outcome,
            interaction.next_step,
        ]
        if part
    )  # fmt: skip
    return interaction.subject, body


@transaction.atomic
def search_index_account(account: Account) -> SearchDocument:
    title, body = account_document_text(account)
    return _upsert(
        kind=DocumentKind.ACCOUNT, object_id=account.pk, account_id=account.pk,
        title=title, body=body,
    )  # fmt: skip


@transaction.atomic
def search_index_contact(contact: Contact) -> SearchDocument:
    title, body = contact_document_text(contact)
    return _upsert(
        kind=DocumentKind.CONTACT, object_id=contact.pk, account_id=contact.account_id,
        title=title, body=body,
    )  # fmt: skip


@transaction.atomic
def search_index_interaction(interaction: Interaction) -> SearchDocument:
    title, body = interaction_document_text(interaction)
    return _upsert(
        kind=DocumentKind.INTERACTION, object_id=interaction.pk,
        account_id=interaction.account_id, title=title, body=body,
        occurred_at=interaction.occurred_at,
    )  # fmt: skip


@transaction.atomic
def search_remove(*, kind: str, object_id: int) -> None:
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()
