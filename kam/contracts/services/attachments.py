"""Contract attachments: the checks and storage rules of visit attachments (type and size
limits, content sniffing, random stored names), kept private under MEDIA_ROOT."""

import mimetypes
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from kam.contracts.models import Contract, ContractAttachment
from kam.contracts.rules import contract_can_edit
from kam.interactions.services import attachment_check
from kam.users.models import User


@transaction.atomic
def contract_attachment_add(
    *, contract: Contract, actor: User, upload: UploadedFile, note: str = ""
) -> ContractAttachment:
    if not contract_can_edit(actor, contract):
        raise PermissionDenied(_("只有合同负责人及其上级可以上传附件。"))
    try:
        extension = attachment_check(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.message_dict["attachments"]}) from None
    attachment = ContractAttachment(
        contract=contract,
        original_name=(upload.name or "")[-255:],
        size=upload.size or 0,
        content_type=mimetypes.guess_type(f"x.{extension}")[0] or "application/octet-stream",
        note=(note or "").strip()[:200],
        uploaded_by=actor,
    )
    # Stored under a random name: the user's file name is kept only as data.
    attachment.file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
    stored, storage = attachment.file.name or "", attachment.file.storage
    try:
        attachment.save()
    except Exception:
        storage.delete(stored)
        raise
    return attachment


@transaction.atomic
def contract_attachment_delete(*, attachment: ContractAttachment, actor: User) -> None:
    if not contract_can_edit(actor, attachment.contract):
        raise PermissionDenied(_("只有合同负责人及其上级可以删除附件。"))
    name, storage = attachment.file.name or "", attachment.file.storage
    attachment.delete()
    # The file goes only once the row is really gone.
    transaction.on_commit(lambda: storage.delete(name))
