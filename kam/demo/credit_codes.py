"""Unified social credit codes (统一社会信用代码, GB 32100-2015) for demo and benchmark rows.

Layout: registration authority (1) + organisation type (1) + region code (6) + organisation code
(9, itself ending in a GB 11714 check character) + check character (1).
"""

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]

# Registration authority + organisation type.
ENTERPRISE = "91"  # 工商 · 企业
GOVERNMENT = "11"  # 机构编制 · 机关
PUBLIC_INSTITUTION = "12"  # 机构编制 · 事业单位 (public hospitals, universities)

REGION_CODES = {
    "北京": "110000", "广东": "440000", "陕西": "610000", "甘肃": "620000", "宁夏": "640000",
    "河南": "410000", "四川": "510000", "西安": "610100", "宝鸡": "610300", "咸阳": "610400",
    "榆林": "610800", "延安": "610600", "汉中": "610700", "渭南": "610500", "兰州": "620100",
    "天水": "620500", "银川": "640100", "郑州": "410100", "洛阳": "410300", "成都": "510100",
    "绵阳": "510700", "深圳": "440300",
}  # fmt: skip


def credit_code_check_char(body: str) -> str:
    """The 18th character for the first 17 characters of a credit code."""
    if len(body) != 17:
        raise ValueError("a credit code body has 17 characters")
    total = sum(CHARSET.index(char) * weight for char, weight in zip(body, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def credit_code_is_valid(code: str) -> bool:
    return (
        len(code) == 18
        and all(char in CHARSET for char in code)
        and credit_code_check_char(code[:17]) == code[17]
    )


def organization_code(serial: int) -> str:
    """A 9-character organisation code (GB 11714): 8 digits from `serial` + check character."""
    digits = f"{serial % 100_000_000:08d}"
    remainder = 11 - sum(int(d) * w for d, w in zip(digits, _ORG_WEIGHTS, strict=True)) % 11
    check = {10: "X", 11: "0"}.get(remainder, str(remainder))
    return digits + check


def credit_code_make(*, serial: int, region: str = "610000", kind: str = ENTERPRISE) -> str:
    """A valid, deterministic credit code; distinct serials give distinct codes."""
    body = kind + region + organization_code(serial)
    return body + credit_code_check_char(body)
