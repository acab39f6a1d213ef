"""This app's sources of the account timeline (R-ACT-3): visits, key people's score changes,
grade changes and owner changes. Registered in `InteractionsConfig.ready()`."""

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.enums import Grade
from kam.accounts.models import GradeChange, OwnerChange
from kam.contacts.models import ScoreChange
from kam.interactions.models import Interaction
from kam.interactions.selectors import TimelineItem, TimelineSource


def _interaction_items(rows: QuerySet[Interaction]) -> list[TimelineItem]:
    rows = rows.select_related("created_by").prefetch_related(
        "our_participants", "their_participants"
    )
    return [
        TimelineItem(
            at=row.occurred_at,
            kind="interaction",
            title=row.subject,
            detail=row.outcome,
            url=row.get_absolute_url(),
            actor=str(row.created_by) if row.created_by else "",
            obj=row,
            tiebreak=row.pk,
        )
        for row in rows
    ]


_SCORE_LABELS = (
    ("closeness", gettext_lazy("关系")),
    ("solution_acceptance", gettext_lazy("方案")),
    ("price_acceptance", gettext_lazy("价格")),
)


def _previous(name: str) -> Subquery:
    """The contact's score `name` in the change just before this one (None for the first)."""
    earlier = ScoreChange.objects.filter(
        Q(changed_at__lt=OuterRef("changed_at"))
        | Q(changed_at=OuterRef("changed_at"), pk__lt=OuterRef("pk")),
        contact_id=OuterRef("contact_id"),
    ).order_by("-changed_at", "-pk")
    return Subquery(earlier.values(name)[:1])


def _score_title(row: ScoreChange) -> str:
    parts = []
    first = getattr(row, "prev_closeness", None) is None
    for name, label in _SCORE_LABELS:
        new = getattr(row, name)
        old = getattr(row, f"prev_{name}", None)
        if first:
            parts.append(f"{label} {new}")
        elif old != new:
            parts.append(f"{label} {old}→{new}")
    if first:
        return _("%(name)s 初始评分 %(scores)s") % {
            "name": row.contact.name,
            "scores": " · ".join(parts),
        }
    return f"{row.contact.name} {' · '.join(parts) or _('评分未变')}"


def _score_items(rows: QuerySet[ScoreChange]) -> list[TimelineItem]:
    # Each row compares with the contact's previous change, shown or not (later pages too).
    previous = {f"prev_{name}": _previous(name) for name, _label in _SCORE_LABELS}
    return [
        TimelineItem(
            at=row.changed_at,
            kind="score",
            title=_score_title(row),
            detail=row.note,
            url=row.contact.get_absolute_url(),
            actor=str(row.actor) if row.actor else "",
            obj=row,
            tiebreak=row.pk,
        )
        for row in rows.select_related("contact", "actor").annotate(**previous)
    ]


def _grade_items(rows: QuerySet[GradeChange]) -> list[TimelineItem]:
    labels = dict(Grade.choices)
    items = []
    for row in rows.select_related("actor"):
        if row.from_grade:
            title = _("客户分级 %(old)s → %(new)s") % {
                "old": labels.get(row.from_grade, row.from_grade),
                "new": labels.get(row.to_grade, row.to_grade),
            }
        else:
            title = _("客户分级定为 %(new)s") % {"new": labels.get(row.to_grade, row.to_grade)}
        items.append(_account_change_item(row, "grade", str(title)))
    return items


def _account_change_item(row: GradeChange | OwnerChange, kind: str, title: str) -> TimelineItem:
    return TimelineItem(
        at=row.changed_at,
        kind=kind,
        title=title,
        detail=row.reason,
        actor=str(row.actor) if row.actor else "",
        obj=row,
        tiebreak=row.pk,
    )


def _owner_items(rows: QuerySet[OwnerChange]) -> list[TimelineItem]:
    items = []
    for row in rows.select_related("from_owner", "to_owner", "actor"):
        if row.to_owner is None:
            title = _("%(old)s 将客户退回公海") % {"old": row.from_owner or _("（无）")}
        elif row.from_owner is None:
            title = _("客户经理设为 %(new)s") % {"new": row.to_owner}
        else:
            title = _("客户经理 %(old)s → %(new)s") % {"old": row.from_owner, "new": row.to_owner}
        items.append(_account_change_item(row, "owner", str(title)))
    return items


SOURCES = [
    TimelineSource(
        events=lambda account: Interaction.objects.filter(account_id=account.pk),
        at="occurred_at",
        kind="interaction",
        items=_interaction_items,
    ),
    TimelineSource(
        events=lambda account: ScoreChange.objects.filter(contact__account_id=account.pk),
        at="changed_at",
        kind="score",
        items=_score_items,
    ),
    TimelineSource(
        events=lambda account: GradeChange.objects.filter(account_id=account.pk),
        at="changed_at",
        kind="grade",
        items=_grade_items,
    ),
    TimelineSource(
        events=lambda account: OwnerChange.objects.filter(account_id=account.pk),
        at="changed_at",
        kind="owner",
        items=_owner_items,
    ),
]
