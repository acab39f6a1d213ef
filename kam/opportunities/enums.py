from django.db import models
from django.utils.translation import gettext_lazy as _


class StageKind(models.TextChoices):
    OPEN = "open", _("进行中")
    WON = "won", _("赢单")
    LOST = "lost", _("输单")


class ForecastCategory(models.TextChoices):
    PIPELINE = "pipeline", _("管道")
    BEST_CASE = "best_case", _("最佳情况")
    COMMIT = "commit", _("承诺")
    CLOSED = "closed", _("已成交")
    OMITTED = "omitted", _("不计入")


class IntentClass(models.TextChoices):
    A = "A", _("A 类：意向明确")
    B = "B", _("B 类：有意向")
    C = "C", _("C 类：意向待定")


class ProjectClass(models.TextChoices):
    A = "A", _("A 类")
    B = "B", _("B 类")
    C = "C", _("C 类")
    D = "D", _("D 类")
    E = "E", _("E 类（合作伙伴报备）")


class CloseReason(models.TextChoices):
    PRICE = "price", _("价格")
    SOLUTION = "solution", _("方案与产品")
    RELATIONSHIP = "relationship", _("客户关系")
    COMPETITOR = "competitor", _("竞争对手")
    DELIVERY = "delivery", _("交付能力")
    BUDGET = "budget", _("客户预算")
    CANCELLED = "cancelled", _("项目取消")
    OTHER = "other", _("其他")


class TeamRole(models.TextChoices):
    """Iron-triangle roles (SPEC R-OPP-6) plus the people who join a deal for a while."""

    ACCOUNT_MANAGER = "account_manager", _("客户经理")
    SOLUTION_MANAGER = "solution_manager", _("方案经理")
    DELIVERY_MANAGER = "delivery_manager", _("交付经理")
    SERVICE_MANAGER = "service_manager", _("服务经理")
    LEAD_EXPERT = "lead_expert", _("引领专家")
    PRESALES = "presales", _("售前支持")


class MoveChannel(models.TextChoices):
    FORM = "form", _("页面")
    KANBAN = "kanban", _("看板")
    API = "api", _("接口")
    APPROVAL = "approval", _("审批")
