"""The visit list's rows, built in Python (see kam/core/rows.py). The HTML is the template's,
tag for tag (tests/interactions/test_list_rows.py)."""

from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kam.core.choices import choice_label
from kam.core.rows import cell_day, cell_moment, cell_text
from kam.interactions.enums import InteractionKind
from kam.interactions.models import Interaction


def _participants(visit: Interaction) -> str:
    theirs = "、".join(cell_text(contact.name) for contact in visit.their_participants.all())
    ours = "、".join(cell_text(user) for user in visit.our_participants.all())
    return f"{theirs}{' / ' if theirs and ours else ''}<small>{ours}</small>"


def interaction_rows_html(visits: Iterable[Interaction]) -> SafeString:
    """The table body: one row per visit; participants come from the prefetched lists."""
    accompanied = f' <span class="badge warn">{cell_text(_("陪访"))}</span>'
    lines = []
    for visit in visits:
        next_date = cell_day(visit.next_step_date)
        cells = [
            f'<td class="muted">{cell_moment(visit.occurred_at)}</td>',
            f'<td><a href="{cell_text(visit.account.get_absolute_url())}">'
            f"{cell_text(visit.account.name)}</a></td>",
            f'<td><span class="badge">{cell_text(choice_label(InteractionKind, visit.kind))}'
            f"</span>{accompanied if visit.accompanied else ''}</td>",
            f'<td><a href="{cell_text(visit.get_absolute_url())}">{cell_text(visit.subject)}'
            "</a></td>",
            f'<td class="hide-mobile">{_participants(visit)}</td>',
            f'<td class="hide-mobile">{cell_text(visit.created_by or "")}</td>',
            f'<td class="hide-mobile">{cell_text(visit.next_step)}'
            f"{f'<br><small>{next_date}</small>' if next_date else ''}</td>",
        ]
        lines.append(f'<tr data-interaction="{visit.pk}">{"".join(cells)}</tr>')
    return mark_safe("\n".join(lines))  # noqa: S308 - every part is escaped above
