from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    GENERAL_MANAGER = "gm", _("总经理")
    SALES_DIRECTOR = "director", _("销售总监")
    SALES_MANAGER = "manager", _("销售经理")
    ACCOUNT_MANAGER = "account_manager", _("客户经理")
    SOLUTION_MANAGER = "solution_manager", _("方案经理")
    DELIVERY_MANAGER = "delivery_manager", _("交付经理")
    SERVICE_MANAGER = "service_manager", _("服务经理")
    LEAD_EXPERT = "lead_expert", _("引领专家")
    FINANCE = "finance", _("财务")
    ADMIN = "admin", _("管理员")


# Roles that see every record (SPEC §1: "GM and admin: everything").
ALL_SEEING_ROLES = frozenset({Role.GENERAL_MANAGER, Role.ADMIN})
