"""Keeping each milestone's checklist in step with the templates, idempotently: an active
template that applies to the milestone's kind gets its item; an item whose template was switched
off (or no longer applies) goes, unless someone already worked on it — history is never lost.

Called lazily by whatever is about to read checklists (the pages, the gaps list, the morning
alert job), in a fixed number of queries however many milestones it is given."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from kam.checklists.models import (
    ChecklistEvent,
    ChecklistEvidence,
    ChecklistItem,
    ChecklistTemplate,
)
from kam.contracts.models import PaymentMilestone


def _pairs(
    milestones: QuerySet[PaymentMilestone] | Iterable[PaymentMilestone],
) -> list[tuple[int, str]]:
    if isinstance(milestones, QuerySet):
        return list(milestones.values_list("pk", "kind"))
    return [(m.pk, m.kind) for m in milestones]


@transaction.atomic
def checklists_sync(milestones: QuerySet[PaymentMilestone] | Iterable[PaymentMilestone]) -> int:
    """Bring these milestones' checklists up to date. Returns how many items were created."""
    pairs = _pairs(milestones)
    if not pairs:
        return 0
    templates = list(ChecklistTemplate.objects.filter(active=True))
    ids = [pk for pk, _kind in pairs]
    existing: dict[int, dict[int, int]] = {pk: {} for pk in ids}
    for item_pk, milestone_id, template_id in ChecklistItem.objects.filter(
        milestone_id__in=ids
    ).values_list("pk", "milestone_id", "template_id"):
        existing[milestone_id][template_id] = item_pk
    fresh: list[ChecklistItem] = []
    stale: list[int] = []
    for milestone_id, kind in pairs:
        wanted = {t.pk: t for t in templates if t.applies_to(kind)}
        have = existing[milestone_id]
        stale.extend(item_pk for template_id, item_pk in have.items() if template_id not in wanted)
        fresh.extend(
            ChecklistItem(
                milestone_id=milestone_id,
                template=template,
                category=template.category,
                label=template.label,
                needs_evidence=template.needs_evidence,
                lead_days=template.lead_days,
                position=template.position,
            )
            for template_id, template in wanted.items()
            if template_id not in have
        )
    if stale:
        ChecklistItem.objects.filter(pk__in=stale, done_at__isnull=True).exclude(
            Exists(ChecklistEvidence.objects.filter(item_id=OuterRef("pk")))
        ).exclude(Exists(ChecklistEvent.objects.filter(item_id=OuterRef("pk")))).delete()
    if fresh:
        # A concurrent sync may have created some already; the unique constraint keeps one.
        ChecklistItem.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


def checklist_sync(milestone: PaymentMilestone) -> int:
    return checklists_sync([milestone])
