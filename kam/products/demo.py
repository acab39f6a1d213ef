"""The demo company's product catalogue: six product lines, thirty products, list prices in Decimal.

Idempotent: lines and products are matched by code; existing rows are left as they are.
"""

from decimal import Decimal

from django.db import transaction

from kam.products.models import Product, ProductLine

LINES = [
    ("5G", "5G专网"), ("MED", "智慧医疗"), ("IDC", "数据中心"), ("IIOT", "工业互联网"),
    ("GOV", "政务云"), ("SEC", "安全服务"),
]  # fmt: skip

# (code — its prefix is the line's code, name, English name, unit, list price in yuan, tax rate %)
PRODUCTS = [
    ("5G-PN-001", "5G行业专网（虚拟专网）", "5G Virtual Private Network", "年", "360000", 6),
    ("5G-PN-002", "5G混合专网（UPF下沉）", "5G Hybrid Private Network", "套", "1280000", 13),
    ("5G-PN-003", "5G独立专网（核心网下沉）", "5G Dedicated Core", "套", "4860000", 13),
    ("5G-PN-004", "5G室内分布系统", "5G Indoor Distribution", "套", "218000", 9),
    ("5G-PN-005", "5G专网运维服务", "5G Network O&M", "年", "96000", 6),
    ("MED-001", "互联网医院平台", "Internet Hospital Platform", "套", "880000", 13),
    ("MED-002", "5G远程会诊系统", "5G Remote Consultation", "套", "325000", 13),
    ("MED-003", "医疗影像云（PACS云）", "Medical Imaging Cloud", "年", "240000", 6),
    ("MED-004", "智慧病房物联网终端", "Smart Ward IoT Terminal", "台", "2680", 13),
    ("MED-005", "医疗信息化实施服务", "Healthcare IT Implementation", "人天", "2800", 6),
    ("IDC-001", "标准机柜租用（42U）", "Standard Rack 42U", "年", "66000", 6),
    ("IDC-002", "互联网专线带宽（100M）", "Dedicated Internet 100M", "年", "48000", 6),
    ("IDC-003", "私有云一体机", "Private Cloud Appliance", "台", "598000", 13),
    ("IDC-004", "数据中心代维服务", "Data Centre Managed Service", "年", "150000", 6),
    ("IDC-005", "灾备云服务", "Disaster Recovery Cloud", "年", "188000", 6),
    ("IIOT-001", "工业互联网标识解析节点", "Industrial Identifier Node", "套", "1150000", 13),
    ("IIOT-002", "5G工业网关", "5G Industrial Gateway", "台", "8600", 13),
    ("IIOT-003", "设备上云平台（MES对接）", "Equipment Cloud Platform", "套", "420000", 13),
    ("IIOT-004", "机器视觉质检系统", "Machine Vision Inspection", "套", "560000", 13),
    ("IIOT-005", "工业互联网咨询服务", "IIoT Consulting", "人天", "3500", 6),
    ("GOV-001", "政务云主机（8核32G）", "Gov Cloud VM 8C32G", "年", "12800", 6),
    ("GOV-002", "一网通办平台", "One-Stop Government Service", "套", "2350000", 13),
    ("GOV-003", "城市运行管理中心（城市大脑）", "City Operations Centre", "套", "6800000", 13),
    ("GOV-004", "政务数据共享交换平台", "Gov Data Exchange", "套", "980000", 13),
    ("GOV-005", "政务云迁移服务", "Gov Cloud Migration", "人天", "2600", 6),
    ("SEC-001", "等保2.0测评与整改", "MLPS 2.0 Assessment", "套", "180000", 6),
    ("SEC-002", "云抗DDoS防护", "Cloud Anti-DDoS", "年", "120000", 6),
    ("SEC-003", "态势感知平台", "Security Situational Awareness", "套", "760000", 13),
    ("SEC-004", "下一代防火墙", "Next-Generation Firewall", "台", "85000", 13),
    ("SEC-005", "安全托管服务（MSS）", "Managed Security Service", "年", "240000", 6),
]  # fmt: skip


@transaction.atomic
def demo_products_create() -> int:
    """Create the demo catalogue where missing. Returns how many products were created."""
    lines = {}
    for order, (code, name) in enumerate(LINES, start=1):
        lines[code], _created = ProductLine.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order * 10}
        )
    existing = set(
        Product.objects.filter(code__in=[p[0] for p in PRODUCTS]).values_list("code", flat=True)
    )
    missing = [
        Product(
            line=lines[code.split("-")[0]],
            code=code,
            name=name,
            name_en=name_en,
            unit=unit,
            list_price=Decimal(price).quantize(Decimal("0.01")),
            tax_rate=(Decimal(tax) / 100).quantize(Decimal("0.01")),
        )
        for code, name, name_en, unit, price, tax in PRODUCTS
        if code not in existing
    ]
    Product.objects.bulk_create(missing)
    return len(missing)
