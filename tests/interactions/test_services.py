from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kam.accounts.models import Account
from kam.audit.models import FieldChange
from kam.contacts.models import Contact
from kam.interactions.models import Attachment, Interaction
from kam.interactions.services import (
    attachment_add,
    attachment_delete,
    interaction_create,
    interaction_update,
)
from kam.search.models import SearchDocument
from tests.interactions.conftest import PDF_BYTES, PNG_BYTES, at, upload, visit_data


def _create(account, actor, **kwargs):
    kwargs.setdefault("data", visit_data())
    return interaction_create(account=account, actor=actor, **kwargs)


def test_create_writes_record_participants_audit_and_index(account, rep, zhang, li):
    interaction = _create(account, rep, our_participants=[rep], their_participants=[zhang, li])

    interaction.refresh_from_db()
    assert interaction.created_by == rep
    assert set(interaction.their_participants.all()) == {zhang, li}
    assert list(interaction.our_participants.all()) == [rep]
    fields = set(
        FieldChange.objects.filter(object_id=interaction.pk, field_label__isnull=False)
        .filter(content_type__model="interaction")
        .values_list("field", flat=True)
    )
    assert {"subject", "kind", "occurred_at", "their_participants", "our_participants"} <= fields
    document = SearchDocument.objects.get(kind="interaction", object_id=interaction.pk)
    assert document.title == "信息化规划交流"
    assert document.account_id == account.pk


def test_create_moves_last_activity_forward_when_newer(account, rep, zhang):
    _create(account, rep, data=visit_data(occurred_at=at(10)), their_participants=[zhang])
    account.refresh_from_db()
    zhang.refresh_from_db()
    assert account.last_activity_at == at(10)
    assert zhang.last_contact_at == at(10)

    _create(account, rep, data=visit_data(occurred_at=at(12)), their_participants=[zhang])
    account.refresh_from_db()
    zhang.refresh_from_db()
    assert account.last_activity_at == at(12)
    assert zhang.last_contact_at == at(12)


def test_create_never_moves_last_activity_back_when_older(account, rep, zhang, li):
    _create(account, rep, data=visit_data(occurred_at=at(12)), their_participants=[zhang])
    # An older visit logged late: the stamps stay, but li (never touched) gets it.
    _create(account, rep, data=visit_data(occurred_at=at(5)), their_participants=[zhang, li])
    account.refresh_from_db()
    assert account.last_activity_at == at(12)
    assert Contact.objects.get(pk=zhang.pk).last_contact_at == at(12)
    assert Contact.objects.get(pk=li.pk).last_contact_at == at(5)


def test_create_touches_contacts_in_one_query_regardless_of_count(account, rep, zhang, li):
    # The stamps are bulk updates, so 1 and 2 contacts cost the same.
    _create(account, rep)  # warms the per-user scope cache
    with CaptureQueriesContext(connection) as one:
        _create(account, rep, their_participants=[zhang])
    with CaptureQueriesContext(connection) as two:
        _create(account, rep, their_participants=[zhang, li])
    contact_updates = [
        q for q in two.captured_queries if q["sql"].startswith('UPDATE "contacts_contact"')
    ]
    assert len(contact_updates) == 1
    assert len(one.captured_queries) == len(two.captured_queries)


def test_create_refuses_contacts_of_another_account(account, rep, zhang, wang):
    with pytest.raises(ValidationError) as error:
        _create(account, rep, their_participants=[zhang, wang])
    assert "their_participants" in error.value.message_dict
    assert "王强" in error.value.message_dict["their_participants"][0]
    assert not Interaction.objects.exists()
    assert Account.objects.get(pk=account.pk).last_activity_at is None


def test_create_refused_when_actor_cannot_log(account, other_rep):
    with pytest.raises(PermissionDenied):
        _create(account, other_rep)
    assert not Interaction.objects.exists()


def test_create_allowed_for_team_member(account, team_member):
    interaction = _create(account, team_member)
    assert interaction.created_by == team_member


def test_create_allowed_for_manager_up_the_chain(account, manager, director):
    assert _create(account, manager).pk
    assert _create(account, director).pk


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": "  "}, "subject"),
        ({"kind": "reception", "reception_notes": ""}, "reception_notes"),
        ({"kind": "call", "reception_notes": "副省长一行"}, "reception_notes"),
        ({"accompanied": True, "accompanied_by": None}, "accompanied_by"),
        ({"next_step_date": at(20).date(), "next_step": ""}, "next_step"),
        ({"next_step": "报价", "next_step_date": at(1).date()}, "next_step_date"),
        ({"occurred_at": at(1, month=12).replace(year=2099)}, "occurred_at"),
    ],
)
def test_create_rejects_bad_values_with_field_errors(account, rep, overrides, field):
    with pytest.raises(ValidationError) as error:
        _create(account, rep, data=visit_data(**overrides))
    assert field in error.value.message_dict
    assert not Interaction.objects.exists()


def test_create_reception_keeps_notes_and_accompanied_by(account, rep, manager):
    interaction = _create(
        account,
        rep,
        data=visit_data(
            kind="reception",
            reception_notes="卫健委副主任：参观展厅，谈区域医疗。",
            accompanied=True,
            accompanied_by=manager,
        ),
    )
    interaction.refresh_from_db()
    assert interaction.reception_notes.startswith("卫健委")
    assert interaction.accompanied_by == manager


def test_create_clears_accompanied_by_when_not_accompanied(account, rep, manager):
    interaction = _create(account, rep, data=visit_data(accompanied=False, accompanied_by=manager))
    assert interaction.accompanied_by is None


# ---- update ------------------------------------------------------------------------------


def test_update_changes_fields_bumps_version_and_audits(account, rep, zhang, li):
    interaction = _create(account, rep, their_participants=[zhang])
    updated = interaction_update(
        interaction=interaction,
        actor=rep,
        version=0,
        data=visit_data(subject="方案深化交流", occurred_at=at(11)),
        their_participants=[zhang, li],
    )
    updated.refresh_from_db()
    assert updated.subject == "方案深化交流"
    assert updated.version == 1
    change = FieldChange.objects.get(object_id=interaction.pk, field="subject", old_value__gt="")
    assert (change.old_value, change.new_value, change.actor) == (
        "信息化规划交流",
        "方案深化交流",
        rep,
    )
    participants = FieldChange.objects.filter(
        object_id=interaction.pk, field="their_participants"
    ).first()
    assert participants is not None and "李娜" in participants.new_value
    assert SearchDocument.objects.get(kind="interaction", object_id=interaction.pk).title == (
        "方案深化交流"
    )
    assert Contact.objects.get(pk=li.pk).last_contact_at == at(11)


def test_update_with_stale_version_changes_nothing(account, rep):
    interaction = _create(account, rep)
    interaction_update(
        interaction=interaction, actor=rep, version=0, data=visit_data(subject="第一次修改")
    )
    stale = Interaction.objects.get(pk=interaction.pk)
    with pytest.raises(ValidationError) as error:
        interaction_update(
            interaction=stale, actor=rep, version=0, data=visit_data(subject="第二次修改")
        )
    assert "已被他人修改" in error.value.messages[0]
    fresh = Interaction.objects.get(pk=interaction.pk)
    assert (fresh.subject, fresh.version) == ("第一次修改", 1)
    assert not FieldChange.objects.filter(new_value="第二次修改").exists()


def test_update_refused_for_team_member_on_someone_elses_record(account, rep, team_member):
    interaction = _create(account, rep)
    with pytest.raises(PermissionDenied):
        interaction_update(
            interaction=interaction, actor=team_member, version=0, data=visit_data(subject="x")
        )
    assert Interaction.objects.get(pk=interaction.pk).subject == "信息化规划交流"


def test_update_allowed_for_team_member_on_own_record(account, team_member):
    interaction = _create(account, team_member)
    interaction_update(
        interaction=interaction, actor=team_member, version=0, data=visit_data(subject="补充")
    )
    assert Interaction.objects.get(pk=interaction.pk).subject == "补充"


# ---- attachments --------------------------------------------------------------------------


def test_create_with_attachments_stores_files_under_random_names(account, rep, media_root):
    interaction = _create(
        account,
        rep,
        attachments=[upload("方案.pdf", PDF_BYTES), upload("现场.png", PNG_BYTES)],
    )
    attachments = list(interaction.attachments.all())
    assert [a.original_name for a in attachments] == ["方案.pdf", "现场.png"]
    assert attachments[0].content_type == "application/pdf"
    assert attachments[0].size == len(PDF_BYTES)
    assert attachments[0].uploaded_by == rep
    stored = Path(attachments[0].file.path)
    assert stored.read_bytes() == PDF_BYTES
    assert "方案" not in stored.name
    assert FieldChange.objects.filter(object_id=interaction.pk, field="attachments").exists()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("合同.exe", b"MZ\x90\x00", "不支持的文件类型"),
        ("报价.pdf", b"MZ\x90\x00this is a program", "不符"),
        ("报价.pdf", b"<html><script>alert(1)</script>", "不符"),
        ("照片.png", b"GIF89a....", "不符"),
        ("说明.txt", b"#!/bin/sh\nrm -rf /", "不符"),
        ("说明.txt", b"", "空"),
    ],
)
def test_create_with_bad_attachment_saves_nothing(
    account, rep, zhang, media_root, name, content, reason
):
    with pytest.raises(ValidationError) as error:
        _create(
            account,
            rep,
            their_participants=[zhang],
            attachments=[upload("好文件.pdf", PDF_BYTES), upload(name, content)],
        )
    message = error.value.message_dict["attachments"][0]
    assert name in message and reason in message
    assert not Interaction.objects.exists()
    assert not Attachment.objects.exists()
    assert not FieldChange.objects.exists()
    assert Contact.objects.get(pk=zhang.pk).last_contact_at is None
    assert not any(Path(media_root).rglob("*.pdf"))


def test_create_with_too_big_attachment_saves_nothing(account, rep, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as error:
        _create(account, rep, attachments=[upload("大文件.pdf", PDF_BYTES + b"x" * 200)])
    assert "大文件.pdf" in error.value.messages[0]
    assert "太大" in error.value.messages[0]
    assert not Interaction.objects.exists()


def test_attachment_add_and_delete(account, rep, django_capture_on_commit_callbacks):
    interaction = _create(account, rep)
    [attachment] = attachment_add(
        interaction=interaction, actor=rep, files=[upload("纪要.pdf", PDF_BYTES)]
    )
    path = Path(attachment.file.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(attachment=attachment, actor=rep)
    assert not Attachment.objects.exists()
    assert not path.exists()
    removed = FieldChange.objects.get(object_id=interaction.pk, field="attachments", new_value="")
    assert removed.old_value == "纪要.pdf"


def test_attachment_add_refused_for_reader(account, rep, team_member):
    interaction = _create(account, rep)
    with pytest.raises(PermissionDenied):
        attachment_add(
            interaction=interaction, actor=team_member, files=[upload("a.pdf", PDF_BYTES)]
        )
    assert not Attachment.objects.exists()
