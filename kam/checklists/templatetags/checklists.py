"""`{% checklist_summary contract %}`: the checklist at a glance on another app's page, without
that page's view having to know about checklists."""

from typing import Any

from django import template
from django.utils import timezone

from kam.checklists.selectors import contract_summary
from kam.checklists.sync import checklists_sync
from kam.contracts.models import Contract

register = template.Library()


@register.inclusion_tag("checklists/_contract_summary.html")
def checklist_summary(contract: Contract) -> dict[str, Any]:
    checklists_sync(contract.milestones.all())
    return {"checklist_summary": contract_summary(contract, timezone.localdate())}
