"""The demo company's customer base and the text fragments its records are made of.

秦川科技 sells networks, data centres and industry software in the north-west of China; team 1
covers carriers, government, finance and education, team 2 hospitals, manufacturing and energy.
"""

from typing import NamedTuple

from kam.demo.credit_codes import ENTERPRISE, GOVERNMENT, PUBLIC_INSTITUTION


class DemoAccount(NamedTuple):
    key: str
    name: str
    industry: str
    level: str
    province: str
    city: str
    parent: str | None
    team: str | None  # "team1" / "team2"; None = public pool
    grade: str
    status: str
    size: str
    kind: str  # credit code registration kind
    description: str


def _a(
    key: str, name: str, industry: str, level: str, province: str, city: str,
    parent: str | None, team: str | None, grade: str, status: str, size: str = "gte10000",
    kind: str = ENTERPRISE, description: str = "",
) -> DemoAccount:  # fmt: skip
    return DemoAccount(
        key, name, industry, level, province, city, parent, team, grade, status, size, kind,
        description,
    )  # fmt: skip


T1, T2 = "team1", "team2"
G, P, C, D = "group", "province", "city", "district"
GOV, PUB = GOVERNMENT, PUBLIC_INSTITUTION

ACCOUNTS: list[DemoAccount] = [
    # ---- carriers (team 1)
    _a("ct", "中国电信集团有限公司", "telecom", G, "北京", "北京", None, T1, "A", "active",
       description="集团总部，统一采购平台在北京；西北区域项目由各省分公司立项。"),
    _a("ct_sn", "中国电信股份有限公司陕西分公司", "telecom", P, "陕西", "西安", "ct", T1, "A",
       "active",
       description="陕西电信。政企客户部牵头 5G 专网和天翼云项目，网络部负责数据中心扩容。"),
    _a("ct_xa", "中国电信股份有限公司西安分公司", "telecom", C, "陕西", "西安", "ct_sn", T1, "A",
       "active", description="西安电信，负责西安市政企 SD-WAN 和 IDC 机房。"),
    _a("ct_bj", "中国电信股份有限公司宝鸡分公司", "telecom", C, "陕西", "宝鸡", "ct_sn", T1, "B",
       "active", "lt1000", description="宝鸡电信，工业园区 5G 专网试点。"),
    _a("ct_xy", "中国电信股份有限公司咸阳分公司", "telecom", C, "陕西", "咸阳", "ct_sn", T1, "C",
       "prospect", "lt1000"),
    _a("ct_gs", "中国电信股份有限公司甘肃分公司", "telecom", P, "甘肃", "兰州", "ct", T1, "B",
       "active", description="甘肃电信，兰州新区数据中心二期在规划中。"),
    _a("ct_lz", "中国电信股份有限公司兰州分公司", "telecom", C, "甘肃", "兰州", "ct_gs", T1, "B",
       "active", "lt1000"),
    _a("ct_ts", "中国电信股份有限公司天水分公司", "telecom", C, "甘肃", "天水", "ct_gs", T1, "D",
       "prospect", "lt1000"),
    _a("cm", "中国移动通信集团有限公司", "telecom", G, "北京", "北京", None, T1, "A", "active",
       description="集团集采为主，省公司有自主采购额度。"),
    _a("cm_sn", "中国移动通信集团陕西有限公司", "telecom", P, "陕西", "西安", "cm", T1, "A",
       "active", description="陕西移动，政企事业部推进 5G 专网和云桌面。"),
    _a("cm_xa", "中国移动通信集团陕西有限公司西安分公司", "telecom", C, "陕西", "西安", "cm_sn",
       T1, "B", "active", "lt10000"),
    _a("cm_yl", "中国移动通信集团陕西有限公司榆林分公司", "telecom", C, "陕西", "榆林", "cm_sn",
       T1, "C", "active", "lt1000", description="能源矿区 5G 覆盖需求多。"),
    _a("cm_nx", "中国移动通信集团宁夏有限公司", "telecom", P, "宁夏", "银川", "cm", T1, "B",
       "active", "lt10000"),
    _a("cm_yc", "中国移动通信集团宁夏有限公司银川分公司", "telecom", C, "宁夏", "银川", "cm_nx",
       T1, "C", "prospect", "lt1000"),
    _a("cu", "中国联合网络通信集团有限公司", "telecom", G, "北京", "北京", None, T1, "B",
       "active"),
    _a("cu_ha", "中国联合网络通信有限公司河南省分公司", "telecom", P, "河南", "郑州", "cu", T1,
       "B", "active", "lt10000", description="河南联通，郑州数据中心扩容项目在招标准备阶段。"),
    _a("cu_zz", "中国联合网络通信有限公司郑州市分公司", "telecom", C, "河南", "郑州", "cu_ha",
       T1, "C", "prospect", "lt1000"),
    # ---- government (team 1)
    _a("xa_bigdata", "西安市大数据资源管理局", "government", C, "陕西", "西安", None, T1, "A",
       "active", "lt1000", GOV, "一网通办和城市运行管理平台的牵头单位。"),
    _a("sn_gov_svc", "陕西省政务服务中心", "government", P, "陕西", "西安", None, T1, "B",
       "active", "lt1000", GOV, "省级政务大厅视频会议和排队叫号系统改造。"),
    _a("sn_police", "陕西省公安厅", "government", P, "陕西", "西安", None, T1, "B", "active",
       "lt10000", GOV),
    _a("xa_police", "西安市公安局", "government", C, "陕西", "西安", "sn_police", T1, "C",
       "prospect", "lt10000", GOV),
    _a("xa_yanta", "西安市雁塔区人民政府", "government", D, "陕西", "西安", None, T1, "C",
       "active", "lt1000", GOV),
    _a("xy_gov", "咸阳市人民政府办公室", "government", C, "陕西", "咸阳", None, None, "D",
       "dormant", "lt1000", GOV, "原由周婷负责，2026 年转入公海。"),
    _a("nx_bigdata", "宁夏回族自治区大数据管理服务局", "government", P, "宁夏", "银川", None, T1,
       "B", "prospect", "lt1000", GOV),
    _a("gs_hrss", "甘肃省人力资源和社会保障厅", "government", P, "甘肃", "兰州", None, T1, "C",
       "prospect", "lt1000", GOV),
    _a("sc_bigdata", "四川省大数据中心", "government", P, "四川", "成都", None, T1, "C",
       "prospect", "lt1000", PUB),
    _a("zz_cg", "郑州市城市管理局", "government", C, "河南", "郑州", None, None, "D", "prospect",
       "lt1000", GOV),
    # ---- finance and education (team 1)
    _a("cab", "长安银行股份有限公司", "finance", P, "陕西", "西安", None, T1, "A", "active",
       "lt10000", description="长安银行，分布式核心和灾备中心建设期。"),
    _a("cab_bj", "长安银行股份有限公司宝鸡分行", "finance", C, "陕西", "宝鸡", "cab", T1, "C",
       "active", "lt1000"),
    _a("xab", "西安银行股份有限公司", "finance", C, "陕西", "西安", None, T1, "B", "active",
       "lt10000"),
    _a("ccb", "中国建设银行股份有限公司", "finance", G, "北京", "北京", None, T1, "B", "active"),
    _a("ccb_sn", "中国建设银行股份有限公司陕西省分行", "finance", P, "陕西", "西安", "ccb", T1,
       "B", "active", "lt10000"),
    _a("gsb", "甘肃银行股份有限公司", "finance", P, "甘肃", "兰州", None, None, "C", "dormant",
       "lt10000"),
    _a("nwpu", "西北工业大学", "education", P, "陕西", "西安", None, T1, "B", "active",
       "lt10000", PUB, "网络信息中心推进智慧校园和校园网改造。"),
    _a("xidian", "西安电子科技大学", "education", P, "陕西", "西安", None, T1, "B", "active",
       "lt10000", PUB),
    _a("snnu", "陕西师范大学", "education", P, "陕西", "西安", None, T1, "C", "prospect",
       "lt10000", PUB),
    _a("lzu", "兰州大学", "education", P, "甘肃", "兰州", None, T1, "C", "prospect", "lt10000",
       PUB),
    _a("xjtu", "西安交通大学", "education", P, "陕西", "西安", None, T1, "A", "active", "gte10000",
       PUB, "校本部与附属医院信息化统筹，网络信息中心为技术归口。"),
    # ---- hospitals (team 2)
    _a("sn_ph", "陕西省人民医院", "healthcare", P, "陕西", "西安", None, T2, "A", "active",
       "lt10000", PUB, "三级甲等，智慧医院信息平台和互联网医院二期。"),
    _a("xijing", "空军军医大学第一附属医院（西京医院）", "healthcare", P, "陕西", "西安", None, T2,
       "A", "active", "lt10000", PUB, "西京医院，医疗影像云 PACS 和数据中心扩容。"),
    _a("xjtu_h1", "西安交通大学第一附属医院", "healthcare", C, "陕西", "西安", "xjtu", T2, "A",
       "active", "lt10000", PUB, "交大一附院，院内无线网络和云桌面。"),
    _a("xjtu_h2", "西安交通大学第二附属医院", "healthcare", C, "陕西", "西安", "xjtu", T2, "B",
       "active", "lt10000", PUB),
    _a("tangdu", "空军军医大学第二附属医院（唐都医院）", "healthcare", P, "陕西", "西安", None, T2,
       "B", "active", "lt10000", PUB, "唐都医院。"),
    _a("xa_central", "西安市中心医院", "healthcare", C, "陕西", "西安", None, T2, "C", "active",
       "lt10000", PUB),
    _a("bj_central", "宝鸡市中心医院", "healthcare", C, "陕西", "宝鸡", None, T2, "C",
       "prospect", "lt10000", PUB),
    _a("ximg", "西安国际医学投资股份有限公司", "healthcare", G, "陕西", "西安", None, T2, "B",
       "active", "gte10000", description="民营医疗集团，旗下多家医院统一规划信息化。"),
    _a("ximg_gx", "西安高新医院", "healthcare", C, "陕西", "西安", "ximg", T2, "B", "active",
       "lt10000"),
    _a("ximg_center", "西安国际医学中心医院", "healthcare", C, "陕西", "西安", "ximg", T2, "B",
       "active", "lt10000"),
    _a("gs_ph", "甘肃省人民医院", "healthcare", P, "甘肃", "兰州", None, T2, "C", "prospect",
       "lt10000", PUB),
    _a("lzu_h1", "兰州大学第一医院", "healthcare", C, "甘肃", "兰州", None, T2, "C", "active",
       "lt10000", PUB),
    _a("nx_mu", "宁夏医科大学总医院", "healthcare", P, "宁夏", "银川", None, T2, "B", "active",
       "lt10000", PUB),
    _a("ha_ph", "河南省人民医院", "healthcare", P, "河南", "郑州", None, T2, "B", "prospect",
       "lt10000", PUB),
    _a("zzu_h1", "郑州大学第一附属医院", "healthcare", C, "河南", "郑州", None, None, "C",
       "dormant", "gte10000", PUB, "上一轮招标未中，客户经理调岗后释放到公海。"),
    _a("huaxi", "四川大学华西医院", "healthcare", P, "四川", "成都", None, T2, "B", "prospect",
       "gte10000", PUB),
    # ---- manufacturing (team 2)
    _a("shaanqi", "陕西汽车控股集团有限公司", "manufacturing", G, "陕西", "西安", None, T2, "A",
       "active", description="陕汽集团，集团数字化中心统筹 MES 和工业互联网平台。"),
    _a("shaanqi_hd", "陕西重型汽车有限公司", "manufacturing", P, "陕西", "西安", "shaanqi", T2,
       "A", "active", description="陕汽重卡，总装厂 5G 工厂专网和 MES 升级。"),
    _a("shaanqi_bj", "陕汽宝鸡专用汽车有限公司", "manufacturing", C, "陕西", "宝鸡", "shaanqi",
       T2, "C", "active", "lt1000"),
    _a("fast", "陕西法士特汽车传动集团有限责任公司", "manufacturing", G, "陕西", "西安", None, T2,
       "B", "active"),
    _a("xd", "中国西电集团有限公司", "manufacturing", G, "陕西", "西安", None, T2, "A", "active",
       description="西电集团，数据中心扩容和视频会议系统。"),
    _a("xd_trans", "西安西电变压器有限责任公司", "manufacturing", C, "陕西", "西安", "xd", T2,
       "B", "active", "lt10000"),
    _a("xd_switch", "西安西电开关电气有限公司", "manufacturing", C, "陕西", "西安", "xd", T2, "C",
       "prospect", "lt10000"),
    _a("longi", "隆基绿能科技股份有限公司", "manufacturing", G, "陕西", "西安", None, T2, "A",
       "active", description="隆基绿能，全球工厂 MES 与 cloud 桌面统一。"),
    _a("longi_yc", "银川隆基光伏科技有限公司", "manufacturing", C, "宁夏", "银川", "longi", T2,
       "B", "active", "lt10000"),
    _a("byd", "比亚迪股份有限公司", "manufacturing", G, "广东", "深圳", None, T2, "B", "active"),
    _a("byd_xa", "西安比亚迪汽车有限公司", "manufacturing", C, "陕西", "西安", "byd", T2, "A",
       "active", description="比亚迪西安基地，产线扩建带来网络和 MES 需求。"),
    _a("yutong", "宇通客车股份有限公司", "manufacturing", P, "河南", "郑州", None, T2, "C",
       "prospect"),
    _a("xac", "西安飞机工业（集团）有限责任公司", "manufacturing", G, "陕西", "西安", None, None,
       "C", "dormant", description="保密要求高，项目周期长，暂放公海。"),
    # ---- energy (team 2)
    _a("sgcc", "国家电网有限公司", "energy", G, "北京", "北京", None, T2, "B", "active"),
    _a("sgcc_sn", "国网陕西省电力有限公司", "energy", P, "陕西", "西安", "sgcc", T2, "A",
       "active", description="国网陕西电力，电力物联网和网络安全态势感知。"),
    _a("sgcc_xa", "国网陕西省电力有限公司西安供电公司", "energy", C, "陕西", "西安", "sgcc_sn",
       T2, "B", "active", "lt10000"),
    _a("sgcc_bj", "国网陕西省电力有限公司宝鸡供电公司", "energy", C, "陕西", "宝鸡", "sgcc_sn",
       T2, "C", "active", "lt1000"),
    _a("yanchang", "陕西延长石油（集团）有限责任公司", "energy", G, "陕西", "延安", None, T2, "B",
       "active"),
    _a("shaanmei", "陕西煤业化工集团有限责任公司", "energy", G, "陕西", "西安", None, T2, "B",
       "active"),
    _a("shaanmei_hl", "陕西陕煤黄陵矿业有限公司", "energy", C, "陕西", "延安", "shaanmei", T2, "C",
       "prospect", "lt10000", description="矿区 5G 专网和井下视频监控。"),
    # ---- transport (team 1)
    _a("xa_metro", "西安市轨道交通集团有限公司", "transport", C, "陕西", "西安", None, T1, "B",
       "active", description="西安地铁，线网指挥中心和乘客信息系统。"),
    _a("xxia", "西安咸阳国际机场股份有限公司", "transport", P, "陕西", "咸阳", None, T1, "C",
       "prospect", "lt10000"),
]  # fmt: skip

# Titles per industry, top-down: (title, department, decision role, influence, tier).
# Tier 0 is the head, tier 1 deputies (report to the head), tier 2 middle managers (report to a
# deputy). Accounts take the first 3–8 rows, so the first rows are always the important ones.
TITLES: dict[str, list[tuple[str, str, str, str, int]]] = {
    "telecom": [
        ("总经理", "总经理办公室", "decision_maker", "high", 0),
        ("分管副总经理", "总经理办公室", "decision_maker", "high", 1),
        ("政企客户部总经理", "政企客户部", "user", "high", 2),
        ("网络部经理", "网络部", "technical", "high", 2),
        ("采购部经理", "采购与物流部", "procurement", "medium", 2),
        ("财务总监", "财务部", "finance", "medium", 1),
        ("云网运营中心主任", "云网运营中心", "technical", "medium", 2),
        ("纪检监察室主任", "纪检监察室", "supervisor", "low", 2),
    ],
    "government": [
        ("局长", "局领导", "decision_maker", "high", 0),
        ("副局长", "局领导", "decision_maker", "high", 1),
        ("信息中心主任", "信息中心", "technical", "high", 2),
        ("办公室主任", "办公室", "user", "medium", 2),
        ("规划财务处处长", "规划财务处", "finance", "medium", 2),
        ("数据资源处处长", "数据资源处", "user", "medium", 2),
        ("采购办主任", "政府采购办公室", "procurement", "medium", 2),
        ("驻局纪检组组长", "纪检组", "supervisor", "low", 1),
    ],
    "finance": [
        ("行长", "行领导", "decision_maker", "high", 0),
        ("副行长", "行领导", "decision_maker", "high", 1),
        ("科技部总经理", "信息科技部", "technical", "high", 2),
        ("采购中心主任", "集中采购中心", "procurement", "medium", 2),
        ("计划财务部总经理", "计划财务部", "finance", "medium", 2),
        ("运营管理部总经理", "运营管理部", "user", "medium", 2),
        ("网络安全处处长", "信息科技部", "technical", "medium", 2),
        ("审计部总经理", "审计部", "supervisor", "low", 1),
    ],
    "education": [
        ("校长", "校领导", "decision_maker", "high", 0),
        ("副校长", "校领导", "decision_maker", "high", 1),
        ("网络信息中心主任", "网络信息中心", "technical", "high", 2),
        ("资产与实验室管理处处长", "资产处", "procurement", "medium", 2),
        ("财务处处长", "财务处", "finance", "medium", 2),
        ("招投标办公室主任", "招投标办公室", "procurement", "medium", 2),
        ("教务处处长", "教务处", "user", "medium", 2),
        ("纪委办公室主任", "纪委", "supervisor", "low", 1),
    ],
    "healthcare": [
        ("院长", "院办", "decision_maker", "high", 0),
        ("副院长", "院办", "decision_maker", "high", 1),
        ("信息科主任", "信息科", "technical", "high", 2),
        ("设备科科长", "设备科", "procurement", "medium", 2),
        ("财务处处长", "财务处", "finance", "medium", 2),
        ("医务处处长", "医务处", "user", "medium", 2),
        ("采购中心主任", "采购中心", "procurement", "medium", 2),
        ("纪委书记", "纪委", "supervisor", "low", 1),
    ],
    "manufacturing": [
        ("总经理", "总经理办公室", "decision_maker", "high", 0),
        ("采购副总", "总经理办公室", "decision_maker", "high", 1),
        ("信息中心主任", "信息中心", "technical", "high", 2),
        ("采购部经理", "采购部", "procurement", "medium", 2),
        ("财务总监", "财务部", "finance", "medium", 1),
        ("生产部部长", "生产制造部", "user", "medium", 2),
        ("质量部部长", "质量管理部", "quality", "medium", 2),
        ("供应链总监", "供应链管理部", "supply_chain", "medium", 2),
    ],
    "energy": [
        ("总经理", "公司领导", "decision_maker", "high", 0),
        ("分管副总经理", "公司领导", "decision_maker", "high", 1),
        ("数字化部主任", "数字化部", "technical", "high", 2),
        ("物资部主任", "物资部", "procurement", "medium", 2),
        ("财务资产部主任", "财务资产部", "finance", "medium", 2),
        ("安全监察部主任", "安全监察部", "quality", "medium", 2),
        ("信息通信分公司经理", "信息通信分公司", "user", "medium", 2),
        ("审计部主任", "审计部", "supervisor", "low", 1),
    ],
}
TITLES["transport"] = TITLES["energy"]

PRODUCTS: dict[str, list[str]] = {
    "telecom": ["5G专网", "SD-WAN组网", "数据中心扩容", "云网融合平台", "边缘计算MEC",
                "IDC动环监控"],
    "government": ["政务云", "数据共享交换平台", "视频会议", "城市运行管理平台", "网络安全等保"],
    "finance": ["分布式核心系统", "云桌面", "灾备中心", "SD-WAN组网", "视频会议"],
    "education": ["智慧校园平台", "校园网改造", "云桌面", "数据中心扩容"],
    "healthcare": ["智慧医院信息平台", "医院数据中心扩容", "互联网医院", "云桌面", "影像云PACS",
                   "院内无线网络"],
    "manufacturing": ["MES系统", "工业互联网平台", "5G工厂专网", "云桌面", "数据中心扩容",
                      "视频会议"],
    "energy": ["电力物联网", "数据中心扩容", "视频会议", "5G专网", "网络安全态势感知"],
    "transport": ["线网指挥中心", "乘客信息系统", "5G专网", "视频会议"],
}  # fmt: skip

CONCERNS = [
    "交付周期", "总体拥有成本", "信创适配", "数据安全合规", "与现有 Huawei 设备的兼容性",
    "售后响应时间", "分期付款", "国产化替代", "后期扩展性", "运维难度", "等保三级测评",
    "cloud 迁移风险", "本地化服务团队",
]  # fmt: skip
COMPETITORS = ["华为", "新华三", "中兴", "浪潮", "锐捷", "深信服", "阿里云", "腾讯云"]

SUBJECTS: dict[str, list[str]] = {
    "visit": ["拜访{title}{name}，沟通{product}项目", "{product}项目例行拜访",
              "走访{dept}了解{product}需求"],
    "call": ["电话沟通{product}进展", "与{name}电话确认{product}预算", "电话跟进{product}招标时间"],
    "meeting": ["{product}项目需求评审会", "{product}方案汇报会", "{product}商务谈判"],
    "demo": ["{product}产品演示", "{product}方案 demo 演示", "{product}功能演示（线上）"],
    "site_visit": ["陪同客户考察{product}标杆项目", "客户赴总部考察{product}",
                   "{product}样板点参观"],
    "reception": ["接待{title}{name}一行来访", "接待客户领导调研{product}"],
    "trial": ["{product} POC 测试启动", "{product} POC 阶段总结", "{product}试用环境部署"],
}  # fmt: skip

CONTENTS = [
    "与{title}{name}沟通{product}项目需求，对方关注{concern}，希望我们在下周前补充详细方案。",
    "{name}介绍了今年的信息化预算安排，{product}预计在{quarter}立项，预算约{budget}万元。",
    "客户认为{competitor}的报价偏低，但对我方在{concern}方面的方案更认可。",
    "现场演示了{product}的核心功能，{title}{name}对可视化大屏和 SD-WAN 编排比较感兴趣。",
    "对方信息部门提出需要对接现有 Huawei 核心交换机，要求我们出具兼容性说明。",
    "{title}{name}表示{product}需要走公开招标，技术参数由{dept}起草，建议我们尽早参与。",
    "POC 环境已部署完成，测试用例 12 项，目前通过 9 项，剩余项涉及{concern}。",
    "与{dept}讨论了 cloud 迁移路线，对方倾向于分两期建设，一期先做{product}。",
    "本次沟通中得知{deputy}近期会亲自过问{product}的选型，需要安排高层拜访。",
    "{name}透露{competitor}已经做过两轮技术交流，我们需要在{concern}上拉开差距。",
]  # fmt: skip

OUTCOMES = [
    "客户同意安排下一轮技术交流。", "确认了项目预算范围和时间表。", "客户要求补充案例材料。",
    "初步认可我方方案，待内部评审。", "对价格仍有顾虑，需要商务层面再沟通。",
    "明确了技术把关人，后续单独沟通。", "客户同意开展 POC。", "进入招标准备阶段。",
    "暂无明确需求，保持季度联系。",
]  # fmt: skip

NEXT_STEPS = [
    "提交{product}详细技术方案", "安排方案经理做专题交流", "邀请{title}{name}参观总部展厅",
    "准备报价单并与财务确认折扣", "整理标杆案例材料发给{name}", "约{dept}做需求调研",
    "跟进 POC 测试剩余用例", "安排我方高层拜访", "提交招标参数建议",
]  # fmt: skip

RECEPTION_NOTES = [
    "{title}{name}一行 4 人，参观了展厅和实验室，我方总经理陪同并介绍了{product}的行业案例。",
    "{title}{name}关注本地化服务能力，我方介绍了西安交付中心和 7×24 服务体系。",
]

SURNAMES = list(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN_NAMES = [
    "伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超",
    "秀兰", "霞", "平", "刚", "桂英", "建华", "志强", "海涛", "晓东", "国平", "玉兰", "文博",
    "立新", "建军", "红梅", "永强", "晓燕", "春生", "卫东", "丽华", "振华", "宏伟", "少华",
    "亚军", "德明", "新民", "晓峰", "雪梅", "鹏", "斌", "宁", "波", "彬", "博文", "子轩",
]  # fmt: skip

CHARACTERS = ["务实，重数据", "性格直爽，讲效率", "谨慎，凡事要书面确认", "健谈，喜欢技术讨论",
              "低调，决策前广泛听取意见", "强势，习惯拍板"]  # fmt: skip
DECISION_STYLES = [
    "看重案例和口碑",
    "看重价格",
    "看重技术领先性",
    "重视风险可控",
    "听取技术部门意见",
]
PREFERENCES = ["喜欢打羽毛球", "爱喝茶", "关注行业峰会", "喜欢读历史书", "周末爬秦岭", "钓鱼"]
GUIDE_COST_NOTES = [
    "技术交流会餐费",
    "行业会议差旅",
    "资料整理工时",
    "标杆参观陪同",
    "方案预沟通工时",
]
ENGAGEMENT_PURPOSES = ["高层互访，巩固战略合作", "年度合作回顾", "推动{product}立项", "节前拜访"]
# Upgrades (towards A) and downgrades (towards D) need reasons that point the same way.
GRADE_UP_REASONS = ["年度分级评审：采购额上升", "项目落地，提升分级", "新立项目，重点跟进"]
GRADE_DOWN_REASONS = ["年度分级评审：采购额下降", "预算削减，下调分级", "项目延期，降低投入"]
