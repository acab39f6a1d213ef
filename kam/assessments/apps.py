from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "kam.assessments"
    verbose_name = _("评估与策略")

    def ready(self) -> None:
        from kam.assessments import checks  # noqa: F401 - registers the gate checks
        from kam.assessments.badges import risk_badge_values, risk_badges
        from kam.opportunities.panels import (
            BadgeSource,
            Panel,
            badge_source_register,
            panel_register,
        )

        badge_source_register(
            "assessments_risk", BadgeSource(annotations=risk_badge_values, badges=risk_badges)
        )
        panel_register(Panel("assessment", _("评估与策略"), "assessments:assessment", order=30))
        panel_register(Panel("deal_chain", _("项目决策链与风险"), "assessments:chain", order=31))
        panel_register(Panel("action_plan", _("行动计划"), "assessments:actions", order=32))
