from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuotesConfig(AppConfig):
    name = "kam.quotes"
    verbose_name = _("报价")

    def ready(self) -> None:
        from kam.assessments.risk import delivery_review_source_register
        from kam.interactions.selectors import timeline_register_source
        from kam.opportunities.panels import (
            BadgeSource,
            Panel,
            badge_source_register,
            panel_register,
        )
        from kam.quotes import approvals, checks
        from kam.quotes.timeline import quote_source

        panel_register(
            Panel(key="quotes", label=_("报价"), url_name="quotes:for_opportunity", order=60)
        )
        badge_source_register(
            "quotes", BadgeSource(annotations=checks.quote_badge_values, badges=checks.quote_badges)
        )
        approvals.register()
        timeline_register_source(quote_source)
        delivery_review_source_register("quotes", checks.delivery_reviewed)
