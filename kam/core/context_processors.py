from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import pgettext_lazy

from kam.core.links import fixed_url


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Promise
    key: str
    # Daily work stays in the bar; the rest sits under 更多 so the bar fits a laptop screen.
    more: bool = False
    # Dotted path of `fn(user) -> bool` for items only some people use.
    shown_to: str = ""


NAVIGATION = [
    NavItem("core:home", pgettext_lazy("navigation", "工作台"), "home"),
    NavItem("tasks:my_day", pgettext_lazy("navigation", "我的一天"), "my_day"),
    NavItem("accounts:list", pgettext_lazy("navigation", "客户"), "accounts"),
    NavItem("contacts:list", pgettext_lazy("navigation", "关键人"), "contacts"),
    NavItem("interactions:list", pgettext_lazy("navigation", "拜访记录"), "interactions"),
    NavItem("leads:list", pgettext_lazy("navigation", "线索"), "leads"),
    NavItem("pools:index", pgettext_lazy("navigation", "公海"), "pools"),
    NavItem("opportunities:list", pgettext_lazy("navigation", "商机"), "opportunities"),
    NavItem("contracts:list", pgettext_lazy("navigation", "合同"), "contracts"),
    NavItem("reviews:index", pgettext_lazy("navigation", "理单"), "reviews"),
    NavItem("approvals:inbox", pgettext_lazy("navigation", "审批"), "approvals"),
    NavItem("intents:board", pgettext_lazy("navigation", "A 类看板"), "intents", more=True),
    NavItem("forecasts:index", pgettext_lazy("navigation", "预测"), "forecasts", more=True),
    NavItem("billing:receipts", pgettext_lazy("navigation", "回款"), "billing", more=True),
    NavItem("battlemap:map", pgettext_lazy("navigation", "作战地图"), "battlemap", more=True),
    NavItem("checklists:gaps", pgettext_lazy("navigation", "回款清单"), "checklists", more=True),
    NavItem("scorecards:team", pgettext_lazy("navigation", "记分卡"), "scorecards", more=True),
    NavItem("presales:mine", pgettext_lazy("navigation", "售前"), "presales", more=True),
    NavItem("search:results", pgettext_lazy("navigation", "搜索"), "search", more=True),
    NavItem("products:list", pgettext_lazy("navigation", "产品"), "products", more=True),
    NavItem(
        "opportunities:processes", pgettext_lazy("navigation", "销售流程"), "processes", more=True
    ),
    NavItem(
        "handovers:list",
        pgettext_lazy("navigation", "离职交接"),
        "handovers",
        more=True,
        shown_to="kam.handovers.rules.handover_menu_shown",
    ),
    NavItem(
        "workcalendar:list",
        pgettext_lazy("navigation", "工作日历"),
        "calendar",
        more=True,
        shown_to="kam.workcalendar.rules.calendar_manageable_by",
    ),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path
    shown = [
        (item, fixed_url(item.url_name))
        for item in NAVIGATION
        if not item.shown_to or _predicate(item.shown_to)(user)
    ]
    # The most specific match wins: /opportunities/processes/ is 销售流程, not 商机.
    matches = [url for _item, url in shown if (path == url if url == "/" else path.startswith(url))]
    current = max(matches, key=len, default=None)
    items = [
        {"url": url, "label": item.label, "key": item.key, "active": url == current}
        for item, url in shown
        if not item.more
    ]
    more = [
        {"url": url, "label": item.label, "key": item.key, "active": url == current}
        for item, url in shown
        if item.more
    ]
    return {"nav_items": items, "nav_more": more, "nav_more_active": any(i["active"] for i in more)}


def _predicate(path: str) -> Callable[[Any], bool]:
    function: Callable[[Any], bool] = import_string(path)
    return function
