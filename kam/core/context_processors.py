from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import pgettext_lazy

NAVIGATION = [
    ("core:home", pgettext_lazy("navigation", "工作台"), "home"),
    ("accounts:list", pgettext_lazy("navigation", "客户"), "accounts"),
    ("contacts:list", pgettext_lazy("navigation", "关键人"), "contacts"),
    ("interactions:list", pgettext_lazy("navigation", "拜访记录"), "interactions"),
    ("search:results", pgettext_lazy("navigation", "搜索"), "search"),
    ("products:list", pgettext_lazy("navigation", "产品"), "products"),
    ("opportunities:processes", pgettext_lazy("navigation", "销售流程"), "processes"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    path = request.path
    items = []
    for url_name, label, key in NAVIGATION:
        url = reverse(url_name)
        active = path.startswith(url) if url != "/" else path == "/"
        items.append({"url": url, "label": label, "key": key, "active": active})
    return {"nav_items": items}
