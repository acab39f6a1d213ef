"""Parsing only: the forms turn a POST (or an API body) into typed values; the rules live in
kam.products.services so the page and the API can't drift apart."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.products.models import TAX_RATES, Product, ProductLine
from kam.products.selectors import SORTS, product_lines


def _decimal(value: str) -> Decimal:
    return Decimal(value)


class ProductForm(forms.Form):
    line = forms.ModelChoiceField(label=_("产品线"), queryset=ProductLine.objects.none())
    code = forms.CharField(label=_("产品编码"), max_length=32, help_text=_("例如 5G-PN-001"))
    name = forms.CharField(label=_("产品名称"), max_length=200)
    name_en = forms.CharField(label=_("英文名称"), max_length=200, required=False)
    unit = forms.CharField(label=_("单位"), max_length=16, help_text=_("套、台、年、人天 …"))
    list_price = forms.DecimalField(
        label=_("目录价（元）"), max_digits=14, decimal_places=2, min_value=Decimal(0)
    )
    tax_rate = forms.TypedChoiceField(
        label=_("税率"),
        choices=[(str(rate), label) for rate, label in TAX_RATES],
        coerce=_decimal,
        initial="0.13",
    )
    description = forms.CharField(label=_("说明"), widget=forms.Textarea, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("调价原因"), max_length=200, required=False)

    def __init__(self, *args: Any, instance: Product | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lines = product_lines()
        line_field = cast(forms.ModelChoiceField, self.fields["line"])
        line_field.queryset = lines if instance else lines.filter(active=True)
        if instance is None:
            del self.fields["version"]
            del self.fields["reason"]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        keys = ["line", "code", "name", "name_en", "unit", "list_price", "tax_rate", "description"]
        return {key: data[key] for key in keys}


def product_initial(product: Product) -> dict[str, Any]:
    return {
        "line": product.line_id, "code": product.code, "name": product.name,
        "name_en": product.name_en, "unit": product.unit, "list_price": product.list_price,
        "tax_rate": str(product.tax_rate), "description": product.description,
        "version": product.version,
    }  # fmt: skip


class ProductLineForm(forms.Form):
    name = forms.CharField(label=_("产品线名称"), max_length=100)
    code = forms.CharField(label=_("编码"), max_length=32)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=0, required=False)


class ProductFilterForm(forms.Form):
    q = forms.CharField(label=_("编码或名称"), required=False)
    line = forms.ModelChoiceField(
        label=_("产品线"), queryset=ProductLine.objects.all(), required=False, empty_label=_("全部")
    )
    active = forms.ChoiceField(
        label=_("状态"),
        choices=[("", _("全部")), ("1", _("在售")), ("0", _("已停售"))],
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[
            ("", _("默认")), ("code", _("编码")), ("name", _("名称")), ("price", _("价格从低到高")),
            ("-price", _("价格从高到低")), ("-updated", _("最近更新")),
        ],
    )  # fmt: skip

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        active = {"1": True, "0": False}.get(data.get("active") or "")
        sort = data.get("sort") or ""
        return {
            "q": data.get("q") or "",
            "line_id": data["line"].pk if data.get("line") else None,
            "active": active,
            "sort": sort if sort in SORTS else "",
        }
