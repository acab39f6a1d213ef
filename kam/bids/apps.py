from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BidsConfig(AppConfig):
    name = "kam.bids"
    verbose_name = _("投标")

    def ready(self) -> None:
        from kam.bids.approvals import register_approval_types
        from kam.bids.badges import bid_badge_values, bid_badges
        from kam.bids.checks import register_checks
        from kam.opportunities.panels import (
            BadgeSource,
            Panel,
            badge_source_register,
            panel_register,
        )

        register_approval_types()
        register_checks()
        panel_register(Panel(key="bids", label=_("投标"), url_name="bids:panel", order=50))
        badge_source_register("bids", BadgeSource(annotations=bid_badge_values, badges=bid_badges))
