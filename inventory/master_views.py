"""Pages for products and warehouses: lists with search, filters and export,
and the manager's forms with each record's history."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inventory import master_data
from inventory.enums import Unit
from inventory.forms import LocationForm, ProductForm, WarehouseForm
from inventory.models import Location, Product, Warehouse
from salesadmin.exports import FORMATS, export_response
from salesadmin.forms import FormPages
from salesadmin.page_access import role_required

LIST_LIMIT = 500


def _active_filter(request) -> str:
    value = request.GET.get("active", "1")
    return value if value in ("", "0", "1") else "1"


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


@role_required("inventory.view_product")
def product_list(request):
    search = request.GET.get("q", "").strip()[:100]
    active = _active_filter(request)
    unit = request.GET.get("unit", "")
    unit = unit if unit in Unit.values else ""
    products = Product.objects.order_by("sku")
    if search:
        products = products.filter(
            Q(sku__icontains=search)
            | Q(name__icontains=search)
            | Q(specification__icontains=search)
        )
    if active:
        products = products.filter(active=active == "1")
    if unit:
        products = products.filter(unit=unit)
    fmt = request.GET.get("export")
    if fmt in FORMATS:
        header = [
            _("SKU"),
            _("Name"),
            _("Specification"),
            _("Unit"),
            _("Standard"),
            _("Unit weight (kg)"),
            _("Safety stock"),
            _("Weighed at dispatch"),
            _("Active"),
        ]
        rows = (
            [
                p.sku,
                p.name,
                p.specification,
                p.get_unit_display(),
                p.standard,
                p.unit_weight,
                p.safety_stock,
                _yes_no(p.weighed),
                _yes_no(p.active),
            ]
            for p in products.iterator()
        )
        return export_response(fmt, "products", _("Products"), header, rows, frozen_columns=2)
    context = {
        "products": list(products[:LIST_LIMIT]),
        "limit": LIST_LIMIT,
        "search": search,
        "active": active,
        "unit": unit,
        "units": Unit.choices,
        "can_add": request.user.has_perm("inventory.add_product"),
        "can_change": request.user.has_perm("inventory.change_product"),
    }
    return render(request, "inventory/products.html", context)


PRODUCT_PAGES = FormPages(
    form=ProductForm,
    record_type="product",
    create=master_data.product_create,
    update=master_data.product_update,
    change_perm="inventory.change_product",
    saved=gettext_lazy("Product %(record)s saved."),
    back="inventory:products",
    back_label=gettext_lazy("Products"),
)
WAREHOUSE_PAGES = FormPages(
    form=WarehouseForm,
    record_type="warehouse",
    create=master_data.warehouse_create,
    update=master_data.warehouse_update,
    change_perm="inventory.change_warehouse",
    saved=gettext_lazy("Warehouse %(record)s saved."),
    back="inventory:warehouses",
    back_label=gettext_lazy("Warehouses"),
)
LOCATION_PAGES = FormPages(
    form=LocationForm,
    record_type="location",
    create=master_data.location_create,
    update=master_data.location_update,
    change_perm="inventory.change_location",
    saved=gettext_lazy("Storage location %(record)s saved."),
    back="inventory:warehouses",
    back_label=gettext_lazy("Warehouses"),
)


@role_required("inventory.add_product")
def product_new(request):
    return PRODUCT_PAGES.new_page(request, title=_("New product"))


@role_required("inventory.view_product")
def product_edit(request, pk: int):
    return PRODUCT_PAGES.edit_page(request, get_object_or_404(Product, pk=pk))


@role_required("inventory.view_warehouse")
def warehouse_list(request):
    search = request.GET.get("q", "").strip()[:100]
    active = _active_filter(request)
    warehouses = Warehouse.objects.select_related("holds_for").order_by("code")
    if search:
        warehouses = warehouses.filter(
            Q(code__icontains=search) | Q(name__icontains=search) | Q(address__icontains=search)
        )
    if active:
        warehouses = warehouses.filter(active=active == "1")
    fmt = request.GET.get("export")
    if fmt in FORMATS:
        header = [_("Code"), _("Name"), _("Address"), _("Held location of"), _("Active")]
        rows = (
            [
                w.code,
                w.name,
                w.address,
                w.holds_for.name if w.holds_for else "",
                _yes_no(w.active),
            ]
            for w in warehouses
        )
        return export_response(fmt, "warehouses", _("Warehouses"), header, rows)
    context = {
        "warehouses": list(warehouses),
        "search": search,
        "active": active,
        "can_add": request.user.has_perm("inventory.add_warehouse"),
    }
    return render(request, "inventory/warehouses.html", context)


@role_required("inventory.add_warehouse")
def warehouse_new(request):
    return WAREHOUSE_PAGES.new_page(request, title=_("New warehouse"))


@role_required("inventory.view_warehouse")
def warehouse_edit(request, pk: int):
    warehouse = get_object_or_404(Warehouse, pk=pk)
    user = request.user
    return WAREHOUSE_PAGES.edit_page(
        request,
        warehouse,
        warehouse=lambda: warehouse,
        locations=lambda: list(warehouse.locations.order_by("code"))
        if user.has_perm("inventory.view_location")
        else None,
        can_add_location=lambda: user.has_perm("inventory.add_location") and not warehouse.is_held,
    )


@role_required("inventory.add_location")
def location_new(request, pk: int):
    warehouse = get_object_or_404(Warehouse, pk=pk)
    return LOCATION_PAGES.new_page(
        request,
        warehouse=warehouse,
        title=_("New storage location in %(warehouse)s") % {"warehouse": warehouse.name},
        target=reverse("inventory:warehouse_edit", args=[warehouse.pk]),
    )


@role_required("inventory.view_location")
def location_edit(request, pk: int):
    location = get_object_or_404(Location.objects.select_related("warehouse"), pk=pk)
    return LOCATION_PAGES.edit_page(
        request,
        location,
        target=reverse("inventory:warehouse_edit", args=[location.warehouse_id]),
    )
