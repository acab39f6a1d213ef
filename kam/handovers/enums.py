from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    ACCOUNT = "account", _("客户")
    LEAD = "lead", _("线索")
    OPPORTUNITY = "opportunity", _("商机")
    APPROVAL_STEP = "approval_step", _("待审批步骤")
    TASK = "task", _("任务")
