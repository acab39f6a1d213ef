"""Catalogue pages: thin adapters over kam.products forms, selectors and services."""

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kam.audit.exports import export_allowed, export_response
from kam.audit.selectors import field_changes_for
from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.core.pagination import page_number, paginate
from kam.products.forms import ProductFilterForm, ProductForm, ProductLineForm, product_initial
from kam.products.rules import catalogue_manageable_by
from kam.products.selectors import (
    product_get,
    product_lines,
    product_price_history,
    products_list,
)
from kam.products.services import (
    product_activate,
    product_create,
    product_deactivate,
    product_line_create,
    product_update,
)


def _list_context(request: AuthenticatedHttpRequest, line_form: ProductLineForm) -> dict[str, Any]:
    filter_form = ProductFilterForm(request.GET or None)
    filters = filter_form.filters()
    page = paginate(products_list(**filters), page_number(request.GET.get("page")))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filter_form": filter_form,
        "page_obj": page,
        "products": page.object_list,
        "lines": product_lines(),
        "line_form": line_form,
        "can_manage": catalogue_manageable_by(request.user),
        "can_export": export_allowed(request.user),
        "query_string": query.urlencode(),
        "filtered": any(v not in (None, "") for v in filters.values()),
    }


def product_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "products/list.html", _list_context(request, ProductLineForm()))


@require_POST
def line_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not catalogue_manageable_by(request.user):
        raise PermissionDenied
    form = ProductLineForm(request.POST)
    if form.is_valid():
        try:
            product_line_create(
                name=form.cleaned_data["name"],
                code=form.cleaned_data["code"],
                sort_order=form.cleaned_data["sort_order"] or 0,
                actor=request.user,
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("产品线已添加。"))
            return redirect("products:list")
    return render(request, "products/list.html", _list_context(request, form), status=422)


def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not catalogue_manageable_by(request.user):
        raise PermissionDenied
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = product_create(**form.service_data(), actor=request.user)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("产品已创建。"))
            return redirect(product.get_absolute_url())
    status = 422 if request.method == "POST" else 200
    return render(request, "products/form.html", {"form": form}, status=status)


def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    product = product_get(pk)
    if not catalogue_manageable_by(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = ProductForm(request.POST, instance=product)
        if form.is_valid():
            try:
                product_update(
                    product=product,
                    version=form.cleaned_data["version"] or 0,
                    data=form.service_data(),
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("产品已保存。"))
                return redirect(product.get_absolute_url())
        return render(request, "products/form.html", {"form": form, "product": product}, status=422)
    form = ProductForm(initial=product_initial(product), instance=product)
    return render(request, "products/form.html", {"form": form, "product": product})


def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    product = product_get(pk)
    context = {
        "product": product,
        "price_changes": product_price_history(product),
        "field_changes": field_changes_for(product),
        "can_manage": catalogue_manageable_by(request.user),
    }
    return render(request, "products/detail.html", context)


@require_POST
def set_active(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    product = product_get(pk)
    if not catalogue_manageable_by(request.user):
        raise PermissionDenied
    if request.POST.get("active") == "1":
        product_activate(product=product, actor=request.user)
        messages.success(request, _("产品已恢复在售。"))
    else:
        product_deactivate(product=product, actor=request.user)
        messages.success(request, _("产品已停售。"))
    return redirect(product.get_absolute_url())


_L = gettext_lazy
EXPORT_HEADERS = [
    _L("产品线"), _L("产品编码"), _L("产品名称"), _L("英文名称"), _L("单位"), _L("目录价"),
    _L("税率"), _L("在售"), _L("更新时间"),
]  # fmt: skip


def export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    user = request.user
    if not export_allowed(user):
        raise PermissionDenied
    filter_form = ProductFilterForm(request.GET or None)
    queryset = products_list(**filter_form.filters())
    file_format = "csv" if request.GET.get("format") == "csv" else "xlsx"
    query = request.GET.copy()
    query.pop("format", None)

    def rows() -> Iterator[list[Any]]:
        for p in queryset.iterator(chunk_size=1000):
            yield [
                p.line.name, p.code, p.name, p.name_en, p.unit, p.list_price, p.tax_rate,
                p.active, p.updated_at,
            ]  # fmt: skip

    return export_response(
        user=user,
        what=_("产品目录"),
        filename="products",
        headers=[str(h) for h in EXPORT_HEADERS],
        rows=rows(),
        file_format=file_format,
        filters=query.urlencode(),
    )
