"""The risk badge on kanban cards and list rows: level and red-flag count, one batch."""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from kam.assessments.enums import RiskLevel
from kam.assessments.risk import deal_risks
from kam.opportunities.enums import StageKind
from kam.opportunities.models import Opportunity
from kam.opportunities.panels import Badge

TONES = {RiskLevel.LOW: "ok", RiskLevel.MEDIUM: "warn", RiskLevel.HIGH: "bad"}


def risk_badges(opportunity_ids: Sequence[int]) -> dict[int, list[Badge]]:
    """Open deals only: a closed deal's risk is history, not a warning."""
    open_ids = list(
        Opportunity.objects.filter(pk__in=opportunity_ids, stage__kind=StageKind.OPEN).values_list(
            "pk", flat=True
        )
    )
    badges: dict[int, list[Badge]] = {}
    for pk, risk in deal_risks(open_ids).items():
        count = len(risk.flags)
        label = risk.level_label if not count else f"{risk.level_label} · {count}"
        title = "；".join(flag.label for flag in risk.flags) or _("决策链覆盖度 %(n)s") % {
            "n": risk.coverage
        }
        badges[pk] = [Badge(label=label, tone=TONES[RiskLevel(risk.level)], title=title)]
    return badges
