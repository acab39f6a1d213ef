"""Keeping each milestone's checklist in step with the templates, idempotently: an active
template that applies to the milestone's kind gets its item; an item whose template was switched
off (or no longer applies) goes, unless someone already worked on it — history is never lost.

Kept by the writes: a payment plan saved or changed syncs its milestones; a template created or
changed syncs every milestone still owed, in a job (`checklists_sync_owed`), which also runs
nightly in case a job was lost. So the gaps list and the tasks only read. A contract's own
checklist page still syncs its milestones as it opens (a few rows: the paid ones too), and the
morning alert job syncs what it is about to report. Each call takes a fixed number of queries
however many milestones it is given."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from kam.billing.selectors import milestones_owing
from kam.checklists.models import (
    ChecklistEvent,
    ChecklistEvidence,
    ChecklistItem,
    ChecklistTemplate,
)
from kam.contracts.models import PaymentMilestone

# Milestones per transaction when every owed milestone is synced.
OWED_BATCH = 2000


def _pairs(
    milestones: QuerySet[PaymentMilestone] | Iterable[PaymentMilestone],
) -> list[tuple[int, str]]:
    if isinstance(milestones, QuerySet):
        return list(milestones.values_list("pk", "kind"))
    return [(m.pk, m.kind) for m in milestones]


def checklists_sync(milestones: QuerySet[PaymentMilestone] | Iterable[PaymentMilestone]) -> int:
    """Bring these milestones' checklists up to date. Returns how many items were created."""
    return _sync_pairs(_pairs(milestones))


def checklists_sync_owed(batch: int = OWED_BATCH) -> int:
    """Every milestone still owed something, whatever its contract's status, in batches of
    `batch` (one transaction each, so a long run holds no lock for long)."""
    owed = milestones_owing(PaymentMilestone.objects.all()).order_by("pk")
    created, after = 0, 0
    while pairs := list(owed.filter(pk__gt=after).values_list("pk", "kind")[:batch]):
        created += _sync_pairs(pairs)
        after = pairs[-1][0]
    return created


@transaction.atomic
def _sync_pairs(pairs: list[tuple[int, str]]) -> int:
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
