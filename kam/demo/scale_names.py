"""Name parts of the `demo_load --scale` accounts: cities, brands and name patterns."""

CITIES = [
    ("陕西", "西安"), ("陕西", "西安"), ("陕西", "西安"), ("陕西", "宝鸡"), ("陕西", "咸阳"),
    ("陕西", "榆林"), ("陕西", "延安"), ("陕西", "汉中"), ("陕西", "渭南"), ("甘肃", "兰州"),
    ("甘肃", "兰州"), ("甘肃", "天水"), ("宁夏", "银川"), ("宁夏", "银川"), ("河南", "郑州"),
    ("河南", "郑州"), ("河南", "洛阳"), ("四川", "成都"), ("四川", "成都"), ("四川", "绵阳"),
]  # fmt: skip
BRANDS = [
    "秦川", "长安", "华岳", "汉唐", "恒信", "丝路", "金鼎", "宏远", "博瑞", "中盛", "天元", "瑞丰",
    "鼎新", "西岳", "卓越", "兴华", "永泰", "正和", "星河", "启明", "新源", "泰和", "聚能", "安达",
    "华晟", "同创", "盛世", "远景", "鸿图", "凯达",
]  # fmt: skip
# industry → (name patterns, share of accounts); {brand} {city}
INDUSTRY_NAMES: dict[str, tuple[list[str], int]] = {
    "manufacturing": (["{city}{brand}智能制造有限公司", "{city}{brand}机械股份有限公司",
                       "{brand}新材料科技有限公司", "{city}{brand}汽车零部件有限公司"], 30),
    "healthcare": (["{city}{brand}医院", "{city}第{n}人民医院", "{city}{brand}妇幼保健院"], 15),
    "government": (["{city}{brand}区人民政府", "{city}市{dept}局", "{city}{brand}新区管委会"], 12),
    "telecom": (["中国电信{city}{brand}营业部", "中国移动{city}{brand}分公司",
                 "中国联通{city}{brand}区分公司"], 8),
    "energy": (["{city}{brand}能源有限公司", "{city}{brand}供电分公司", "{brand}燃气集团"], 10),
    "finance": (["{city}{brand}农村商业银行", "{brand}村镇银行", "{city}{brand}证券营业部"], 8),
    "education": (["{city}{brand}职业技术学院", "{city}第{n}中学", "{brand}大学"], 9),
    "transport": (["{city}{brand}物流有限公司", "{city}{brand}公交集团"], 5),
    "retail": (["{city}{brand}商贸有限公司", "{brand}连锁超市"], 3),
}  # fmt: skip
GOV_DEPTS = [
    "大数据",
    "教育",
    "交通运输",
    "城市管理",
    "卫生健康",
    "公安",
    "应急管理",
    "市场监督管理",
]
