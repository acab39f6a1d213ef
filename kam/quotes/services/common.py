"""Helpers shared by the quote services: permission, locking, status and save."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from kam.core.versioning import lock_at_version
from kam.opportunities.models import Opportunity
from kam.quotes.enums import QuoteStatus
from kam.quotes.models import QuoteVersion
from kam.quotes.rules import quote_can_manage
from kam.users.models import User

TERM_FIELDS = ["valid_until", "payment_terms", "delivery_terms", "notes"]
AUDITED_FIELDS = ["status", *TERM_FIELDS, "net_total"]
MAX_TEXT = 4000


def discount_threshold() -> Decimal:
    """In percent; read on each call so an overridden setting takes effect at once."""
    return Decimal(str(getattr(settings, "KAM_QUOTE_DISCOUNT_THRESHOLD", "15")))


def require_manage(actor: User, opportunity: Opportunity) -> None:
    if not quote_can_manage(actor, opportunity):
        raise PermissionDenied(_("只有商机负责人、客户负责人及其上级可以处理报价。"))


def locked_at(quote: QuoteVersion, version: int) -> QuoteVersion:
    return lock_at_version(
        QuoteVersion.objects.select_related("opportunity__account"), pk=quote.pk, version=version
    )


def require_status(quote: QuoteVersion, *allowed: str, message: str) -> None:
    if quote.status not in allowed:
        raise ValidationError({"status": [message]}, code="invalid_status")


def accepted_other(opportunity_id: int, *, exclude_pk: int | None = None) -> QuoteVersion | None:
    accepted = QuoteVersion.objects.filter(
        opportunity_id=opportunity_id, status=QuoteStatus.ACCEPTED
    )
    if exclude_pk is not None:
        accepted = accepted.exclude(pk=exclude_pk)
    return accepted.first()


def accepted_error(accepted: QuoteVersion) -> ValidationError:
    return ValidationError(
        {
            "status": [
                _("客户已接受第 %(no)s 版报价，不能再发送或接受其他版本。")
                % {"no": accepted.version_no}
            ]
        },
        code="already_accepted",
    )
