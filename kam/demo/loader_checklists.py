"""Demo 情理法 checklists (R-COL-5) on the demo's signed contracts, worked the way a team really
works them: paid milestones fully ticked with their evidence on file, open ones with the
relationship kept up but fulfilment and the evidence chain still to do. Then the
morning collection alerts run once, so inboxes and "my day" show what they will show."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from kam.billing.selectors import milestone_money_map
from kam.checklists.alerts import collection_alerts_send
from kam.checklists.enums import ChecklistCategory
from kam.checklists.models import ChecklistItem
from kam.checklists.services import checklist_evidence_add, checklist_item_tick
from kam.checklists.sync import checklists_sync
from kam.contracts.enums import BILLABLE_STATUSES
from kam.contracts.models import PaymentMilestone

# The smallest well-formed PDF: enough for a demo evidence file to open.
EVIDENCE_PDF = (
    b"%PDF-1.1\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _work(item: ChecklistItem, outstanding: Decimal) -> None:
    owner = item.milestone.contract.owner
    if outstanding <= 0:
        checklist_item_tick(item=item, actor=owner, note="已完成。")
        if item.needs_evidence:
            upload = SimpleUploadedFile(f"{item.label}.pdf", EVIDENCE_PDF, "application/pdf")
            checklist_evidence_add(item=item, actor=owner, upload=upload)
    elif item.category == ChecklistCategory.RELATIONSHIP:
        checklist_item_tick(item=item, actor=owner, note="")


def demo_checklists_build(*, account_ids: list[int], today: date) -> int:
    """Returns the number of collection notifications the morning run sent."""
    milestones = list(
        PaymentMilestone.objects.filter(
            contract__account_id__in=account_ids, contract__status__in=BILLABLE_STATUSES
        ).select_related("contract__owner")
    )
    checklists_sync(milestones)
    money = milestone_money_map([m.pk for m in milestones], today)
    items = ChecklistItem.objects.filter(milestone__in=milestones).select_related(
        "milestone__contract__owner"
    )
    for item in items.order_by("milestone_id", "position", "pk"):
        _work(item, money[item.milestone_id].outstanding)
    return collection_alerts_send(today=today)
