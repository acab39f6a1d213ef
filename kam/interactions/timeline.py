"""This app's sources of the account timeline (R-ACT-3): visits, key people's score changes,
grade changes and owner changes. Registered in `InteractionsConfig.ready()`."""

from datetime import date
from typing import Any

from django.db.models import (
    CharField,
    Expression,
    Model,
    OuterRef,
    Q,
    StringAgg,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.enums import Grade
from kam.accounts.models import GradeChange, OwnerChange
from kam.contacts.models import ScoreChange
from kam.core.choices import choice_label
from kam.interactions.enums import InteractionKind
from kam.interactions.models import Interaction
from kam.interactions.selectors import TimelineItem, TimelineSource, user_text

# A visit's participants travel as one text: each person's "id<US>name", joined by <RS> (the
# ASCII unit and record separators, which no name contains).
_UNIT, _RECORD = "\x1f", "\x1e"


def _participants(through: type[Model], person: str, name: str | Expression) -> Subquery:
    """The visit's participants in the many-to-many table `through` (`person` names its column
    for them), unordered: SQLite before 3.44 cannot order inside an aggregate, so the item does."""
    pair = Concat(Cast(f"{person}_id", CharField()), Value(_UNIT), name)
    return Subquery(
        through._default_manager.filter(interaction_id=OuterRef("pk"))
        .order_by()
        .values("interaction_id")
        .annotate(people=StringAgg(pair, Value(_RECORD)))
        .values("people")
    )


def _people(joined: str | None) -> list[tuple[int, str]]:
    pairs = (record.split(_UNIT, 1) for record in joined.split(_RECORD)) if joined else ()
    return [(int(pk), name) for pk, name in pairs]


def _interaction_item(values: dict[str, Any]) -> TimelineItem:
    # Contacts by name (their model's order), colleagues by id, as the visit's page lists them.
    theirs = [name for _pk, name in sorted(_people(values["theirs"]), key=lambda p: (p[1], p[0]))]
    ours = [name for _pk, name in sorted(_people(values["ours"]))]
    people = ["、".join(theirs), "、".join(ours)]
    next_step_date = values["next_step_date"]
    return TimelineItem(
        at=values["at"],
        kind="interaction",
        label=choice_label(InteractionKind, values["kind"]),
        title=values["subject"],
        detail=values["outcome"],
        url=reverse("interactions:detail", args=[values["pk"]]),
        actor=values["actor"] or "",
        accompanied=bool(values["accompanied"]),
        people=" · ".join(part for part in people if part),
        next_step=values["next_step"],
        next_step_date=date.fromisoformat(next_step_date) if next_step_date else None,
        tiebreak=values["pk"],
    )


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


def _score_title(values: dict[str, Any]) -> str:
    parts = []
    first = values["prev_closeness"] is None
    for name, label in _SCORE_LABELS:
        new = values[name]
        old = values[f"prev_{name}"]
        if first:
            parts.append(f"{label} {new}")
        elif old != new:
            parts.append(f"{label} {old}→{new}")
    if first:
        return _("%(name)s 初始评分 %(scores)s") % {
            "name": values["contact"],
            "scores": " · ".join(parts),
        }
    return f"{values['contact']} {' · '.join(parts) or _('评分未变')}"


def _score_item(values: dict[str, Any]) -> TimelineItem:
    return TimelineItem(
        at=values["at"],
        kind="score",
        title=_score_title(values),
        detail=values["note"],
        url=reverse("contacts:detail", args=[values["contact_id"]]),
        actor=values["actor"] or "",
        tiebreak=values["pk"],
    )


def _grade_item(values: dict[str, Any]) -> TimelineItem:
    old, new = values["from_grade"], choice_label(Grade, values["to_grade"])
    if old:
        title = _("客户分级 %(old)s → %(new)s") % {"old": choice_label(Grade, old), "new": new}
    else:
        title = _("客户分级定为 %(new)s") % {"new": new}
    return _account_change_item(values, "grade", title)


def _account_change_item(values: dict[str, Any], kind: str, title: str) -> TimelineItem:
    return TimelineItem(
        at=values["at"],
        kind=kind,
        title=title,
        detail=values["reason"],
        actor=values["actor"] or "",
        tiebreak=values["pk"],
    )


def _owner_item(values: dict[str, Any]) -> TimelineItem:
    old, new = values["from_owner"], values["to_owner"]
    if new is None:
        title = _("%(old)s 将客户退回公海") % {"old": old or _("（无）")}
    elif old is None:
        title = _("客户经理设为 %(new)s") % {"new": new}
    else:
        title = _("客户经理 %(old)s → %(new)s") % {"old": old, "new": new}
    return _account_change_item(values, "owner", str(title))


SOURCES = [
    TimelineSource(
        events=lambda account_id: Interaction.objects.filter(account_id=account_id),
        at="occurred_at",
        kind="interaction",
        show={
            "kind": "kind",
            "subject": "subject",
            "outcome": "outcome",
            "next_step": "next_step",
            "next_step_date": "next_step_date",
            "accompanied": "accompanied",
            "actor": user_text("created_by"),
            "theirs": _participants(
                Interaction.their_participants.through, "contact", "contact__name"
            ),
            "ours": _participants(Interaction.our_participants.through, "user", user_text("user")),
        },
        item=_interaction_item,
    ),
    TimelineSource(
        events=lambda account_id: ScoreChange.objects.filter(contact__account_id=account_id),
        at="changed_at",
        kind="score",
        # Each row compares with the contact's previous change, shown or not (later pages too).
        show={
            "contact": "contact__name",
            "contact_id": "contact_id",
            "note": "note",
            "actor": user_text("actor"),
            **{name: name for name, _label in _SCORE_LABELS},
            **{f"prev_{name}": _previous(name) for name, _label in _SCORE_LABELS},
        },
        item=_score_item,
    ),
    TimelineSource(
        events=lambda account_id: GradeChange.objects.filter(account_id=account_id),
        at="changed_at",
        kind="grade",
        show={
            "from_grade": "from_grade",
            "to_grade": "to_grade",
            "reason": "reason",
            "actor": user_text("actor"),
        },
        item=_grade_item,
    ),
    TimelineSource(
        events=lambda account_id: OwnerChange.objects.filter(account_id=account_id),
        at="changed_at",
        kind="owner",
        show={
            "from_owner": user_text("from_owner"),
            "to_owner": user_text("to_owner"),
            "reason": "reason",
            "actor": user_text("actor"),
        },
        item=_owner_item,
    ),
]
