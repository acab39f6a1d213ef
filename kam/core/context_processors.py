from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import pgettext_lazy

NAVIGATION = [
    ("core:home", pgettext_lazy("navigation", "工作台"), "home"),
    ("accounts:list", pgettext_lazy("navigation", "客户"), "accounts"),
    ("contacts:list", pgettext_lazy("navigation", "关键人"), "contacts"),
    ("interactions:list", pgettext_lazy("navigation", "拜访记录"), "interactions"),
    ("leads:list", pgettext_lazy("navigation", "线索"), "leads"),
    ("opportunities:list", pgettext_lazy("navigation", "商机"), "opportunities"),
    ("approvals:inbox", pgettext_lazy("navigation", "审批"), "approvals"),
    ("forecasts:index", pgettext_lazy("navigation", "预测"), "forecasts"),
    ("presales:mine", pgettext_lazy("navigation", "售前"), "presales"),
    ("search:results", pgettext_lazy("navigation", "搜索"), "search"),
    ("products:list", pgettext_lazy("navigation", "产品"), "products"),
    ("opportunities:processes", pgettext_lazy("navigation", "销售流程"), "processes"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    path = request.path
    urls = [(reverse(url_name), label, key) for url_name, label, key in NAVIGATION]
    # The most specific match wins: /opportunities/processes/ is 销售流程, not 商机.
    matches = [
        url for url, _label, _key in urls if (path == url if url == "/" else path.startswith(url))
    ]
    current = max(matches, key=len, default=None)
    items = [
        {"url": url, "label": label, "key": key, "active": url == current}
        for url, label, key in urls
    ]
    return {"nav_items": items}
