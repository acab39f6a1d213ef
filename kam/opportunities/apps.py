from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "kam.opportunities"
    verbose_name = _("商机")

    def ready(self) -> None:
        from kam.accounts.rules import account_grant_register
        from kam.interactions.selectors import timeline_register_source
        from kam.opportunities import checks  # noqa: F401 - registers the shipped gate checks
        from kam.opportunities.deal_approvals import deal_approval_types_register
        from kam.opportunities.initiation import initiation_type_register
        from kam.opportunities.models import OpportunityTeamMember
        from kam.opportunities.panels import Panel, panel_register
        from kam.opportunities.services.override import override_type_register
        from kam.opportunities.timeline import stage_move_source

        timeline_register_source(stage_move_source)
        initiation_type_register()
        panel_register(Panel("initiation", _("立项报告"), "opportunities:initiation_panel", 20))
        panel_register(Panel("approvals", _("审批"), "opportunities:approvals_panel", 90))
        deal_approval_types_register()
        override_type_register()

        # SPEC §1: a deal's team members see the deal and its whole account, read-only.
        account_grant_register(
            "opportunity_team",
            lambda scope: OpportunityTeamMember.objects.filter(user_id__in=scope).values(
                "opportunity__account_id"
            ),
        )
