from django.db import models
from django.utils.translation import gettext_lazy as _


class Industry(models.TextChoices):
    TELECOM = "telecom", _("通信运营商")
    GOVERNMENT = "government", _("政府与公共事业")
    HEALTHCARE = "healthcare", _("医疗卫生")
    MANUFACTURING = "manufacturing", _("制造业")
    ENERGY = "energy", _("能源电力")
    FINANCE = "finance", _("金融")
    EDUCATION = "education", _("教育")
    TRANSPORT = "transport", _("交通物流")
    RETAIL = "retail", _("零售消费")
    OTHER = "other", _("其他")


class Level(models.TextChoices):
    GROUP = "group", _("集团级")
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("区县级")


class Grade(models.TextChoices):
    A = "A", _("A 类")
    B = "B", _("B 类")
    C = "C", _("C 类")
    D = "D", _("D 类")


class PurchaseScenario(models.TextChoices):
    CONTINUOUS = "continuous", _("持续购买")
    OCCASIONAL = "occasional", _("偶发性购买")


class AccountStatus(models.TextChoices):
    PROSPECT = "prospect", _("潜在客户")
    ACTIVE = "active", _("合作中")
    DORMANT = "dormant", _("休眠")
    LOST = "lost", _("已流失")


class CompanySize(models.TextChoices):
    UNDER_100 = "lt100", _("100 人以下")
    UNDER_1000 = "lt1000", _("100–999 人")
    UNDER_10000 = "lt10000", _("1000–9999 人")
    OVER_10000 = "gte10000", _("1 万人以上")


class VerificationMethod(models.TextChoices):
    BUSINESS_LICENSE = "license", _("营业执照")
    CREDIT_PORTAL = "credit_portal", _("国家企业信用信息公示系统")
    OFFICIAL_WEBSITE = "website", _("官方网站")
    CUSTOMER_CONFIRMED = "customer", _("客户书面确认")
    CONTRACT = "contract", _("合同/招标文件")
    APPROVAL = "approval", _("审批通过")


class CoreField(models.TextChoices):
    NAME = "name", _("客户名称")
    CREDIT_CODE = "credit_code", _("统一社会信用代码")
    PARENT = "parent", _("上级单位")
    LEVEL = "level", _("客户层级")


class AccountTeamRole(models.TextChoices):
    SOLUTION = "solution", _("方案经理")
    DELIVERY = "delivery", _("交付经理")
    SERVICE = "service", _("服务经理")
    LEAD_EXPERT = "lead_expert", _("引领专家")
    OTHER = "other", _("其他成员")


PROVINCES = [
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川",
    "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "香港", "澳门", "台湾",
]  # fmt: skip
PROVINCE_CHOICES = [(p, p) for p in PROVINCES]
