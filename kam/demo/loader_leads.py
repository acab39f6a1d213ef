"""Demo load, leads phase: each rep's leads at every step — new, being qualified with SPIN
notes and BANT half known, ready to convert, converted into an opportunity on an account they
own, waiting for an override approval, and closed as unqualified. Everything goes through the
leads' own services, so history, intent classes and approvals are real."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from kam.accounts.enums import AccountStatus
from kam.accounts.models import Account
from kam.approvals.models import Approval
from kam.leads.enums import BantStatus, LeadStatus
from kam.leads.models import Lead
from kam.leads.services.conversion import lead_convert
from kam.leads.services.leads import lead_create, lead_disqualify, lead_follow_up_add
from kam.leads.services.override import lead_convert_override_request
from kam.users.models import User

ZONE = ZoneInfo("Asia/Shanghai")
C, U, Q_, N = BantStatus.CONFIRMED, BantStatus.UNCLEAR, BantStatus.UNKNOWN, BantStatus.NOT_MET


@dataclass(frozen=True)
class DemoLead:
    owner: str
    company: str
    contact: str
    title: str
    source: str
    scenario: str
    intent: str
    bant: tuple[str, str, str, str]
    spin: tuple[str, str, str, str] = ("", "", "", "")
    notes: tuple[str, str, str, str] = ("", "", "", "")
    follow_ups: tuple[tuple[int, str, str, str], ...] = ()  # days ago, kind, content, next step
    # What happens after the follow-ups: "", "convert" (onto an account the owner holds),
    # "override" (asks for an approval), or a disqualification reason.
    outcome: str = ""
    deal: dict[str, Any] = field(default_factory=dict)


# fmt: off
LEADS = [
    DemoLead(
        "rep1",
        "延安市政务服务管理局",
        "高主任",
        "信息中心主任",
        "referral",
        "continuous",
        "C",
        (C, U, C, Q_),
        (
            "现有政务外网由三家运营商分段承载，运维界面不清",
            "跨部门业务上云后访问慢、故障定位难",
            "群众办事高峰期系统卡顿，已被市政府督查通报",
            "一张网统一运维，故障定位从半天缩短到半小时",
        ),
        (
            "市财政已列入 2027 年信息化预算约 260 万元",
            "分管副市长尚未表态，需经市大数据局会签",
            "",
            "",
        ),
        (
            (12, "visit", "拜访高主任，介绍政务外网一体化方案", "约市大数据局一起做需求调研"),
            (4, "call", "电话确认调研时间，对方希望 12 月上旬", "准备调研提纲"),
        ),
    ),
    DemoLead(
        "rep1",
        "榆林市大数据中心",
        "任科长",
        "规划科科长",
        "event",
        "occasional",
        "",
        (Q_, Q_, U, Q_),
        follow_ups=((2, "meeting", "在丝博会展台交流，对算力调度平台有兴趣", "寄送产品白皮书"),),
    ),
    DemoLead(
        "rep1",
        "",
        "马处长",
        "网络处处长",
        "visit",
        "continuous",
        "B",
        (C, C, C, C),
        ("省公司计划三年内完成全省政企专线升级", "老旧设备故障率高", "", ""),
        ("专项资金已批复", "网络处牵头，分管副总审批", "专线扩容与安全加固", "明年一季度招标"),
        (
            (20, "visit", "与网络处确认专线扩容范围", "报价"),
            (6, "meeting", "技术交流会，客户认可方案", "转为商机推进立项"),
        ),
        outcome="convert",
        deal={"name": "政企专线扩容二期"},
    ),
    DemoLead(
        "rep2",
        "汉中市城市管理局",
        "蒋副局长",
        "副局长",
        "tender_notice",
        "occasional",
        "B",
        (C, C, U, C),
        ("数字城管平台建于 2015 年，已无法接入新的感知设备", "", "", ""),
        ("年度预算 180 万元", "蒋副局长拍板", "需求范围尚在讨论", "2027 年 3 月前完成采购"),
        ((9, "visit", "拜访蒋副局长，了解数字城管升级计划", "提交初步方案"),),
        outcome="override",
    ),
    DemoLead(
        "rep2",
        "商洛市教育局",
        "白科长",
        "装备科科长",
        "inbound",
        "occasional",
        "",
        (N, U, U, Q_),
        follow_ups=((15, "call", "对方咨询智慧校园，但今年无预算", "明年再联系"),),
        outcome="今年无预算，明年 6 月再评估",
    ),
    DemoLead(
        "rep2",
        "安康市应急管理局",
        "邓科长",
        "指挥中心科长",
        "partner",
        "occasional",
        "C",
        (U, Q_, C, U),
        ("应急指挥调度依赖电话和微信群", "多部门协同慢", "汛期险情响应不及时", "统一指挥调度平台"),
        follow_ups=((3, "message", "合作伙伴引荐，已加微信", "约拜访时间"),),
    ),
    DemoLead(
        "rep3",
        "西安国际医学中心医院",
        "孔院长",
        "副院长",
        "inbound",
        "continuous",
        "A",
        (C, C, C, U),
        (
            "新院区 2027 年开业，影像和检验数据分散",
            "医生调阅影像要跨三个系统",
            "影响急诊效率和等级评审",
            "一体化影像云与互联互通平台",
        ),
        ("院方自筹 900 万元", "孔院长牵头，院长办公会决策", "影像云与集成平台", "开业前必须上线"),
        (
            (18, "visit", "与孔院长及信息科交流，需求明确", "出技术方案"),
            (5, "meeting", "方案汇报，院方要求下周给预算", "报价并确认招标节点"),
        ),
    ),
    DemoLead(
        "rep3",
        "陕西法士特汽车传动集团",
        "唐部长",
        "信息化部部长",
        "partner",
        "continuous",
        "B",
        (U, C, C, U),
        ("MES 与 ERP 之间数据靠人工导入", "", "", ""),
        follow_ups=((10, "visit", "合作伙伴带领拜访，了解工业互联网规划", "安排工厂参观"),),
    ),
    DemoLead(
        "rep3",
        "",
        "尹主任",
        "信息科主任",
        "referral",
        "continuous",
        "B",
        (C, C, C, C),
        ("门诊量年增 15%", "挂号缴费排队长", "", "线上线下一体化服务"),
        ("信息化专项 320 万元", "信息科牵头，院务会决策", "互联网医院二期", "2027 年上半年"),
        (
            (25, "visit", "尹主任推荐：互联网医院二期需求", "出方案"),
            (8, "meeting", "方案评审通过", "转商机"),
        ),
        outcome="convert",
        deal={"name": "互联网医院二期"},
    ),
    DemoLead(
        "rep4",
        "宝鸡吉利汽车部件有限公司",
        "钟经理",
        "IT 经理",
        "event",
        "occasional",
        "C",
        (U, U, C, Q_),
        follow_ups=((7, "meeting", "制造业数字化论坛交流，关注设备联网", "发送案例"),),
    ),
    DemoLead(
        "rep4",
        "咸阳市中医医院",
        "龙主任",
        "信息科主任",
        "referral",
        "continuous",
        "B",
        (C, C, C, C),
        ("HIS 系统运行十年", "医保接口改造频繁", "", "新一代 HIS 与医保平台对接"),
        ("院内预算 450 万元已批", "龙主任与院长共同决策", "HIS 替换", "2027 年 6 月前上线"),
        ((14, "visit", "龙主任转介绍院长，需求明确", "准备转商机"),),
    ),
    DemoLead("rep4", "榆林市第一医院", "", "", "visit", "continuous", "", (Q_, Q_, Q_, Q_)),
]
# fmt: on


def _at(today: date, days_ago: int) -> datetime:
    return datetime.combine(today - timedelta(days=days_ago), time(10, 30), tzinfo=ZONE)


def _account_of(owner: User, taken: set[int]) -> Account | None:
    """A prospect account the owner holds and no demo lead uses yet."""
    account = (
        Account.objects.filter(owner=owner)
        .filter(Q(status=AccountStatus.PROSPECT) | Q(status=AccountStatus.ACTIVE))
        .exclude(pk__in=taken)
        .order_by("pk")
        .first()
    )
    if account is not None:
        taken.add(account.pk)
    return account


def demo_leads_reset(account_ids: list[int]) -> int:
    """Remove the demo's leads (by their companies, or their demo accounts) before a reload."""
    companies = [spec.company for spec in LEADS if spec.company]
    leads = Lead.objects.filter(Q(company_name__in=companies) | Q(account_id__in=account_ids))
    Approval.objects.filter(
        subject_type=ContentType.objects.get_for_model(Lead),
        subject_id__in=list(leads.values_list("pk", flat=True)),
    ).delete()
    return leads.delete()[0]


def demo_leads_build(*, users: dict[str, User], today: date) -> int:
    taken: set[int] = set()
    for spec in LEADS:
        owner = users[spec.owner]
        account = _account_of(owner, taken) if spec.outcome == "convert" else None
        company = spec.company or (account.name if account else "")
        data: dict[str, Any] = {
            "company_name": company, "contact_name": spec.contact, "contact_title": spec.title,
            "source": spec.source, "scenario": spec.scenario, "intent_class": spec.intent,
            "situation": spec.spin[0], "problem": spec.spin[1], "implication": spec.spin[2],
            "need_payoff": spec.spin[3], "account": account,
        }  # fmt: skip
        for key, status, note in zip(
            ("budget", "authority", "need", "timeline"), spec.bant, spec.notes, strict=True
        ):
            data[key] = status
            data[f"{key}_note"] = note
        lead = lead_create(actor=owner, data=data)
        for days_ago, kind, content, next_step in spec.follow_ups:
            lead_follow_up_add(
                lead=lead, actor=owner, kind=kind, content=content, next_step=next_step,
                at=_at(today, days_ago),
            )  # fmt: skip
        lead.refresh_from_db()
        if spec.outcome == "convert" and account is not None:
            lead_convert(lead=lead, actor=owner, version=lead.version, data=dict(spec.deal))
        elif spec.outcome == "override":
            lead_convert_override_request(
                lead=lead, actor=owner, version=lead.version,
                data={"industry": "government", "province": "陕西", "level": "city"},
                reason="客户预算和时间已明确，需求范围在方案阶段收敛，申请先立项跟进",
            )  # fmt: skip
        elif spec.outcome:
            lead_disqualify(lead=lead, actor=owner, version=lead.version, reason=spec.outcome)
    return Lead.objects.exclude(status=LeadStatus.DISQUALIFIED).count()
