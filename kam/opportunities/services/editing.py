"""The edit page's one write (SPEC R-OPP-1): fields and line items saved together, so a refused
line never leaves the fields half-saved and the amount always matches the lines."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from kam.opportunities.models import Opportunity
from kam.opportunities.services.opportunities import opportunity_lines_replace, opportunity_update
from kam.users.models import User


@transaction.atomic
def opportunity_edit(
    *,
    opportunity: Opportunity,
    actor: User,
    version: int,
    changes: dict[str, Any],
    lines: Sequence[dict[str, Any]],
) -> Opportunity:
    """`opportunity_update` then `opportunity_lines_replace` at the version the first returned;
    either error rolls both back."""
    updated = opportunity_update(
        opportunity=opportunity, actor=actor, version=version, changes=changes
    )
    return opportunity_lines_replace(
        opportunity=updated, actor=actor, version=updated.version, lines=lines
    )
