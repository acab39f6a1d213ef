"""Writes for interactions (R-ACT-1): create, edit, attachments.

Every function is all-or-nothing: the interaction, its participants, its attachments, the
account's and contacts' "last touched" stamps, the audit rows and the search entry are written in
one transaction, and a file that fails the checks means nothing at all is saved.
"""

import mimetypes
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.audit.models import FieldChange
from kam.audit.services import audit_changes, audit_creation_changes, audit_snapshot
from kam.contacts.models import Contact
from kam.core.versioning import stale_record_error
from kam.interactions.enums import InteractionKind
from kam.interactions.models import Attachment, Interaction
from kam.interactions.rules import interaction_can_edit, interaction_can_log
from kam.pools.services.protection import placement_refresh_by_id, recall_applies
from kam.search.services import search_index_interaction
from kam.users.models import User

# The plain fields a caller may set; participants and attachments travel separately.
INTERACTION_FIELDS = [
    "kind",
    "occurred_at",
    "subject",
    "content",
    "reception_notes",
    "outcome",
    "next_step",
    "next_step_date",
    "accompanied",
    "accompanied_by",
]
# A visit is logged after it happened; a little slack for clocks that disagree.
FUTURE_SLACK = timedelta(minutes=10)

# --------------------------------------------------------------------------------------------
# Attachments: allow-list by extension, size limit, and a sniff of the first bytes so a renamed
# executable or web page does not slip through as a "PDF".

_SNIFF_BYTES = 512
# Things that run, whatever they are called.
_NEVER = (b"MZ", b"#!", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")
_MARKUP = (b"<script", b"<html", b"<!doctype html", b"<?php", b"<svg", b"<iframe")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")


def _looks_like(extension: str, head: bytes) -> bool:
    """Whether the first bytes fit the extension. Text formats only have to be text."""
    match extension:
        case "pdf":
            return head.startswith(b"%PDF")
        case "png":
            return head.startswith(b"\x89PNG\r\n\x1a\n")
        case "jpg" | "jpeg":
            return head.startswith(b"\xff\xd8\xff")
        case "gif":
            return head.startswith((b"GIF87a", b"GIF89a"))
        case "webp":
            return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
        case "wav":
            return head[:4] == b"RIFF" and head[8:12] == b"WAVE"
        case "mp3":
            return head.startswith(b"ID3") or (
                len(head) > 1 and head[0] == 0xFF and head[1] >= 0xE0
            )
        case "m4a":
            return head[4:8] == b"ftyp"
        case "docx" | "xlsx" | "pptx" | "zip":
            return head.startswith(_ZIP)
        case "doc" | "xls" | "ppt":
            # Old Office files are OLE containers; Word/Excel also save "RTF/HTML as .doc", which
            # the markup check below refuses anyway.
            return head.startswith(_OLE) or head.startswith(b"{\\rtf")
        case "txt" | "csv":
            return b"\x00" not in head
    return False


def attachment_check(upload: UploadedFile) -> str:
    """The file's extension if it may be stored; a ValidationError naming the file otherwise."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = settings.ATTACHMENT_EXTENSIONS
    if extension not in allowed:
        raise ValidationError(
            {
                "attachments": [
                    _("“%(name)s”：不支持的文件类型，允许的类型为 %(allowed)s。")
                    % {"name": name, "allowed": "、".join(sorted(allowed))}
                ]
            }
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"attachments": [_("“%(name)s”：文件是空的。") % {"name": name}]})
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "attachments": [
                    _("“%(name)s”：文件太大（%(size)s），单个附件不能超过 %(limit)s。")
                    % {
                        "name": name,
                        "size": _human_size(size),
                        "limit": _human_size(settings.ATTACHMENT_MAX_BYTES),
                    }
                ]
            }
        )
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(_NEVER) or lowered.startswith(_MARKUP) or not _looks_like(extension, head):
        raise ValidationError(
            {
                "attachments": [
                    _("“%(name)s”：文件内容与扩展名 .%(ext)s 不符，已拒绝。")
                    % {"name": name, "ext": extension}
                ]
            }
        )
    return extension


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def _check_all(uploads: Sequence[UploadedFile]) -> list[str]:
    """Check every file first and report every bad one, before anything is written."""
    extensions, messages = [], []
    for upload in uploads:
        try:
            extensions.append(attachment_check(upload))
        except ValidationError as error:
            messages.extend(error.message_dict["attachments"])
    if messages:
        raise ValidationError({"attachments": messages})
    return extensions


def _store_attachments(
    *, interaction: Interaction, uploads: Sequence[UploadedFile], actor: User
) -> list[Attachment]:
    extensions = _check_all(uploads)
    created: list[Attachment] = []
    try:
        for upload, extension in zip(uploads, extensions, strict=True):
            attachment = Attachment(
                interaction=interaction,
                original_name=(upload.name or "")[-255:],
                size=upload.size or 0,
                content_type=mimetypes.guess_type(f"x.{extension}")[0]
                or "application/octet-stream",
                uploaded_by=actor,
            )
            # Stored under a random name: the user's file name is kept only as data.
            attachment.file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
            created.append(attachment)
            attachment.save()
    except Exception:
        for attachment in created:
            attachment.file.delete(save=False)
        raise
    return created


def _audit_attachments(*, interaction: Interaction, old: str, new: str, actor: User | None) -> None:
    FieldChange.objects.create(
        content_type=ContentType.objects.get_for_model(Interaction),
        object_id=interaction.pk,
        field="attachments",
        field_label=_("附件"),
        old_value=old,
        new_value=new,
        actor=actor,
    )


def _attach(
    *, interaction: Interaction, uploads: Sequence[UploadedFile], actor: User
) -> list[Attachment]:
    """Audit first, files last: once files are on disk nothing else in the service can fail."""
    _check_all(uploads)
    _audit_attachments(
        interaction=interaction, old="", new=_names([u.name for u in uploads]), actor=actor
    )
    return _store_attachments(interaction=interaction, uploads=uploads, actor=actor)


# --------------------------------------------------------------------------------------------
# Interactions


@dataclass
class _Participants:
    ours: list[User]
    theirs: list[Contact]


def _clean(
    *, account: Account, data: dict[str, Any], participants: _Participants
) -> dict[str, Any]:
    """Business rules on the submitted values; returns them normalised."""
    values = {name: data.get(name) for name in INTERACTION_FIELDS}
    for text in ("subject", "content", "reception_notes", "outcome", "next_step"):
        values[text] = (values[text] or "").strip()
    values["accompanied"] = bool(values["accompanied"])
    errors: dict[str, list[str]] = {}

    if values["kind"] not in InteractionKind.values:
        errors["kind"] = [_("请选择拜访类型。")]
    if not values["subject"]:
        errors["subject"] = [_("请填写主题。")]
    occurred_at = values["occurred_at"]
    if not isinstance(occurred_at, datetime):
        errors["occurred_at"] = [_("请填写拜访时间。")]
    elif occurred_at > timezone.now() + FUTURE_SLACK:
        errors["occurred_at"] = [_("拜访时间不能晚于现在：计划中的拜访请写在“下一步”。")]

    if values["kind"] == InteractionKind.RECEPTION:
        if not values["reception_notes"]:
            errors["reception_notes"] = [
                _("接待需要写明接待记录：来访领导的职务、接待方式和谈话要点。")
            ]
    elif values["reception_notes"]:
        errors["reception_notes"] = [_("只有“接待”类记录填写接待记录，请写在沟通内容里。")]

    if values["next_step_date"] and not values["next_step"]:
        errors["next_step"] = [_("填写了下一步日期，请同时写明下一步做什么。")]
    elif (
        values["next_step_date"]
        and isinstance(occurred_at, datetime)
        and values["next_step_date"] < timezone.localdate(occurred_at)
    ):
        errors["next_step_date"] = [_("下一步日期不能早于拜访日期。")]

    if values["accompanied"] and values["accompanied_by"] is None:
        errors["accompanied_by"] = [_("勾选了陪访，请选择陪访人。")]
    if not values["accompanied"]:
        values["accompanied_by"] = None
    elif values["accompanied_by"] is not None and not values["accompanied_by"].is_active:
        errors["accompanied_by"] = [_("陪访人已停用。")]

    strangers = [c.name for c in participants.theirs if c.account_id != account.pk]
    if strangers:
        errors["their_participants"] = [
            _("%(names)s 不是该客户的关键人。") % {"names": "、".join(strangers)}
        ]
    inactive = [str(u) for u in participants.ours if not u.is_active]
    if inactive:
        errors["our_participants"] = [_("%(names)s 已停用。") % {"names": "、".join(inactive)}]

    if errors:
        raise ValidationError(errors)
    return values


def _touch_last_contact(*, interaction: Interaction, contact_ids: Sequence[int]) -> None:
    """Move the account's and contacts' "last touched" stamps forward, never back."""
    when = interaction.occurred_at
    moved = Account.objects.filter(
        Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=when),
        pk=interaction.account_id,
    ).update(last_activity_at=when)
    # A follow-up extends the owner's protection from the pool (R-POOL-1): only a newer one,
    # and only an owned prospect's (the deadline of any other account ignores follow-ups).
    if moved and recall_applies(interaction.account):
        placement_refresh_by_id(interaction.account_id)
    if contact_ids:
        Contact.objects.filter(
            Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=when),
            pk__in=contact_ids,
        ).update(last_contact_at=when)


def _names(items: Sequence[Any]) -> str:
    return "、".join(sorted(str(item) for item in items))


_PARTICIPANT_LABELS = {
    "our_participants": Interaction._meta.get_field("our_participants").verbose_name,
    "their_participants": Interaction._meta.get_field("their_participants").verbose_name,
}


def _participant_changes(
    *,
    interaction: Interaction,
    before: _Participants | None,
    after: _Participants,
    actor: User,
) -> list[FieldChange]:
    """The participants' history rows, unsaved: written with the fields' in one statement."""
    content_type = ContentType.objects.get_for_model(Interaction)
    rows = []
    for field, old, new in (
        ("our_participants", before.ours if before else [], after.ours),
        ("their_participants", before.theirs if before else [], after.theirs),
    ):
        old_text, new_text = _names(old), _names(new)
        if old_text == new_text:
            continue
        rows.append(
            FieldChange(
                content_type=content_type,
                object_id=interaction.pk,
                field=field,
                field_label=str(_PARTICIPANT_LABELS[field]),
                old_value=old_text,
                new_value=new_text,
                actor=actor,
            )
        )
    return rows


@transaction.atomic
def interaction_create(
    *,
    account: Account,
    actor: User,
    data: dict[str, Any],
    our_participants: Sequence[User] = (),
    their_participants: Sequence[Contact] = (),
    attachments: Sequence[UploadedFile] = (),
) -> Interaction:
    """Log a visit/call/meeting on `account`. The actor must edit the account or be on its team."""
    if not interaction_can_log(actor, account):
        raise PermissionDenied(_("你不能在该客户下记录拜访。"))
    participants = _Participants(ours=list(our_participants), theirs=list(their_participants))
    values = _clean(account=account, data=data, participants=participants)
    if attachments:
        _check_all(attachments)

    interaction = Interaction(account=account, created_by=actor, **values)
    interaction.save()
    # A new record has no participants to compare with: add() inserts without reading first.
    interaction.our_participants.add(*participants.ours)
    interaction.their_participants.add(*participants.theirs)
    # A record's history starts with what was filled in; blank fields add only noise.
    filled = [f for f in INTERACTION_FIELDS if getattr(interaction, f) not in (None, "", False)]
    FieldChange.objects.bulk_create(
        [
            *audit_creation_changes(instance=interaction, fields=filled, actor=actor),
            *_participant_changes(
                interaction=interaction, before=None, after=participants, actor=actor
            ),
        ]
    )
    _touch_last_contact(interaction=interaction, contact_ids=[c.pk for c in participants.theirs])
    search_index_interaction(interaction)
    if attachments:
        _attach(interaction=interaction, uploads=attachments, actor=actor)
    return interaction


@transaction.atomic
def interaction_update(
    *,
    interaction: Interaction,
    actor: User,
    version: int,
    data: dict[str, Any],
    our_participants: Sequence[User] | None = None,
    their_participants: Sequence[Contact] | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> Interaction:
    """Edit an interaction based on `version`; a stale version is refused, nothing changes.

    `data` holds the full set of plain fields (the form and the API both merge the current
    values first); participants left as None stay as they are.
    """
    if not interaction_can_edit(actor, interaction):
        raise PermissionDenied(_("你不能修改这条拜访记录。"))
    before_participants = _Participants(
        ours=list(interaction.our_participants.all()),
        theirs=list(interaction.their_participants.all()),
    )
    participants = _Participants(
        ours=list(our_participants) if our_participants is not None else before_participants.ours,
        theirs=list(their_participants)
        if their_participants is not None
        else before_participants.theirs,
    )
    values = _clean(account=interaction.account, data=data, participants=participants)
    if attachments:
        _check_all(attachments)

    claimed = Interaction.objects.filter(pk=interaction.pk, version=version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise stale_record_error()

    before = audit_snapshot(interaction, INTERACTION_FIELDS)
    for name, value in values.items():
        setattr(interaction, name, value)
    interaction.version = version + 1
    interaction.save(update_fields=[*INTERACTION_FIELDS, "updated_at"])
    if our_participants is not None:
        interaction.our_participants.set(participants.ours)
    if their_participants is not None:
        interaction.their_participants.set(participants.theirs)
    FieldChange.objects.bulk_create(
        [
            *audit_changes(instance=interaction, before=before, actor=actor),
            *_participant_changes(
                interaction=interaction, before=before_participants, after=participants,
                actor=actor,
            ),
        ]
    )  # fmt: skip
    _touch_last_contact(interaction=interaction, contact_ids=[c.pk for c in participants.theirs])
    search_index_interaction(interaction)
    if attachments:
        _attach(interaction=interaction, uploads=attachments, actor=actor)
    return interaction


@transaction.atomic
def attachment_add(
    *, interaction: Interaction, actor: User, files: Sequence[UploadedFile]
) -> list[Attachment]:
    if not interaction_can_edit(actor, interaction):
        raise PermissionDenied(_("你不能修改这条拜访记录。"))
    if not files:
        raise ValidationError({"attachments": [_("请选择要上传的文件。")]})
    return _attach(interaction=interaction, uploads=files, actor=actor)


@transaction.atomic
def attachment_delete(*, attachment: Attachment, actor: User) -> None:
    interaction = attachment.interaction
    if not interaction_can_edit(actor, interaction):
        raise PermissionDenied(_("你不能修改这条拜访记录。"))
    name, storage = attachment.file.name or "", attachment.file.storage
    attachment.delete()
    _audit_attachments(interaction=interaction, old=attachment.original_name, new="", actor=actor)
    # The file goes only once the row is really gone.
    transaction.on_commit(lambda: storage.delete(name))
