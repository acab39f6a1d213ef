from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "kam.approvals"
    verbose_name = _("审批")

    def ready(self) -> None:
        from kam.accounts.rules import account_grant_register
        from kam.approvals.enums import REACHED_STEP_STATUSES
        from kam.approvals.models import ApprovalStep
        from kam.approvals.timeline import approval_source
        from kam.approvals.types import register_catalogue
        from kam.interactions.selectors import timeline_register_source

        register_catalogue()
        timeline_register_source(approval_source)
        # SPEC §1: an approver reads the subject of an approval that reached them, while it
        # waits for them and after they decided.
        account_grant_register(
            "approvers",
            lambda scope: ApprovalStep.objects.filter(
                approver_id__in=scope,
                status__in=REACHED_STEP_STATUSES,
                approval__account__isnull=False,
            ).values("approval__account_id"),
        )
