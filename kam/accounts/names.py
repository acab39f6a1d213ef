"""Account-name normalisation for duplicate warnings (R-ACC-4).

陕西电信 and 中国电信陕西分公司 are the same customer written two ways. The normalised key pulls the
region words out (sorted, so their position does not matter), strips the usual noise (中国, 省,
有限公司, 分公司, 集团 …) and punctuation, and joins the two parts: both names become "陕西|电信".
"""

import re
import unicodedata

from kam.accounts.enums import PROVINCES

MAJOR_CITIES = [
    "石家庄", "唐山", "保定", "太原", "大同", "呼和浩特", "包头", "沈阳", "大连", "长春", "吉林",
    "哈尔滨", "大庆", "南京", "苏州", "无锡", "常州", "徐州", "南通", "杭州", "宁波", "温州",
    "绍兴", "嘉兴", "金华", "台州", "合肥", "芜湖", "福州", "厦门", "泉州", "南昌", "赣州", "济南",
    "青岛", "烟台", "潍坊", "临沂", "郑州", "洛阳", "武汉", "宜昌", "襄阳", "长沙", "株洲",
    "广州", "深圳", "珠海", "汕头", "佛山", "东莞", "中山", "惠州", "南宁", "柳州", "桂林",
    "海口", "三亚", "成都", "绵阳", "贵阳", "遵义", "昆明", "拉萨", "西安", "宝鸡", "咸阳",
    "渭南", "延安", "汉中", "榆林", "安康", "商洛", "铜川", "兰州", "西宁", "银川",
    "乌鲁木齐", "克拉玛依",
]  # fmt: skip
# Longest first, so 内蒙古 wins over a shorter overlapping word and 呼和浩特 is taken whole.
REGION_WORDS = sorted({*PROVINCES, *MAJOR_CITIES}, key=len, reverse=True)
REGION_SUFFIXES = [
    "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市",
]  # fmt: skip
NOISE_WORDS = [
    "股份有限公司", "有限责任公司", "有限公司", "分公司", "子公司", "集团", "公司", "总部",
    "中国", "自治区", "省", "市",
]  # fmt: skip

_REGION_RE = re.compile(
    "(" + "|".join(map(re.escape, REGION_WORDS)) + ")"
    "(?:" + "|".join(map(re.escape, REGION_SUFFIXES)) + ")?"
)
_NOISE_RE = re.compile("|".join(map(re.escape, NOISE_WORDS)))
# Everything that is not a letter or a digit: brackets, spaces, punctuation of both widths.
_PUNCT_RE = re.compile(r"[\W_]+", re.UNICODE)
KEY_SEPARATOR = "|"


def _clean(name: str) -> str:
    return _PUNCT_RE.sub("", unicodedata.normalize("NFKC", name).lower())


def account_name_parts(name: str) -> tuple[list[str], str]:
    """(sorted region words, the rest of the name without noise)."""
    text = _clean(name)
    regions: set[str] = set()

    def take(match: re.Match[str]) -> str:
        regions.add(match.group(1))
        return ""

    rest = _NOISE_RE.sub("", _REGION_RE.sub(take, text))
    if not rest and not regions:
        rest = text  # a name made only of noise still needs a key
    return sorted(regions), rest


def account_name_normalize(name: str) -> str:
    """The duplicate-detection key: "陕西|电信" for both 陕西电信 and 中国电信陕西分公司."""
    regions, rest = account_name_parts(name)
    return f"{','.join(regions)}{KEY_SEPARATOR}{rest}"[:200]


def key_rest(key: str) -> str:
    return key.split(KEY_SEPARATOR, 1)[-1]


def key_regions(key: str) -> str:
    return key.split(KEY_SEPARATOR, 1)[0] if KEY_SEPARATOR in key else ""


def bigrams(text: str) -> set[str]:
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


def name_similarity(key_a: str, key_b: str) -> float:
    """Bigram Jaccard similarity of the non-region parts of two keys (0–1)."""
    a, b = bigrams(key_rest(key_a)), bigrams(key_rest(key_b))
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
