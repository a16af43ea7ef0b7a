"""Pages for products and warehouses: lists with search, filters and export,
and the manager's forms with each record's history."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from inventory import master_data
from inventory.enums import Unit
from inventory.forms import LocationForm, ProductForm, WarehouseForm
from inventory.models import Location, Product, Warehouse
from salesadmin.exports import FORMATS, export_response
from salesadmin.forms import save_through_service
from salesadmin.history import history_rows
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


def _form_page(request, form, *, save, success, target, back, back_label, page):
    """A master-data form page: a POST saves through ``save`` and redirects to
    ``target``; otherwise (or refused) the form shows again with ``page()``'s parts."""
    if request.method == "POST":
        done = save_through_service(request, form, save, success, target)
        if done:
            return done
    context = {"form": form, "back": back, "back_label": back_label, **page()}
    return render(request, "master_form.html", context, status=400 if form.errors else 200)


def _edit_allowed(request, change_perm: str) -> None:
    # Anyone who may view a record opens its page; only who may change it saves.
    if request.method == "POST" and not request.user.has_perm(change_perm):
        raise PermissionDenied


def _record_parts(request, record, record_type: str, change_perm: str) -> dict:
    return {
        "title": str(record),
        "history": history_rows(model=type(record), record_type=record_type, record_id=record.pk),
        "read_only": not request.user.has_perm(change_perm),
    }


@role_required("inventory.add_product")
def product_new(request):
    return _form_page(
        request,
        ProductForm(request.POST or None),
        save=lambda **data: master_data.product_create(user=request.user, **data),
        success=_("Product %(record)s saved."),
        target="inventory:products",
        back="inventory:products",
        back_label=_("Products"),
        page=lambda: {"title": _("New product")},
    )


@role_required("inventory.view_product")
def product_edit(request, pk: int):
    product = get_object_or_404(Product, pk=pk)
    _edit_allowed(request, "inventory.change_product")
    return _form_page(
        request,
        ProductForm(request.POST or None, instance=Product.objects.get(pk=pk)),
        save=lambda **data: master_data.product_update(product=product, user=request.user, **data),
        success=_("Product %(record)s saved."),
        target="inventory:products",
        back="inventory:products",
        back_label=_("Products"),
        page=lambda: _record_parts(request, product, "product", "inventory.change_product"),
    )


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
    return _form_page(
        request,
        WarehouseForm(request.POST or None),
        save=lambda **data: master_data.warehouse_create(user=request.user, **data),
        success=_("Warehouse %(record)s saved."),
        target="inventory:warehouses",
        back="inventory:warehouses",
        back_label=_("Warehouses"),
        page=lambda: {"title": _("New warehouse")},
    )


@role_required("inventory.view_warehouse")
def warehouse_edit(request, pk: int):
    warehouse = get_object_or_404(Warehouse, pk=pk)
    _edit_allowed(request, "inventory.change_warehouse")
    return _form_page(
        request,
        WarehouseForm(request.POST or None, instance=Warehouse.objects.get(pk=pk)),
        save=lambda **data: master_data.warehouse_update(
            warehouse=warehouse, user=request.user, **data
        ),
        success=_("Warehouse %(record)s saved."),
        target="inventory:warehouses",
        back="inventory:warehouses",
        back_label=_("Warehouses"),
        page=lambda: {
            **_record_parts(request, warehouse, "warehouse", "inventory.change_warehouse"),
            "warehouse": warehouse,
            "locations": list(warehouse.locations.order_by("code"))
            if request.user.has_perm("inventory.view_location")
            else None,
            "can_add_location": request.user.has_perm("inventory.add_location")
            and not warehouse.is_held,
        },
    )


@role_required("inventory.add_location")
def location_new(request, pk: int):
    warehouse = get_object_or_404(Warehouse, pk=pk)
    return _form_page(
        request,
        LocationForm(request.POST or None),
        save=lambda **data: master_data.location_create(
            user=request.user, warehouse=warehouse, **data
        ),
        success=_("Storage location %(record)s saved."),
        target=reverse("inventory:warehouse_edit", args=[warehouse.pk]),
        back="inventory:warehouses",
        back_label=_("Warehouses"),
        page=lambda: {
            "title": _("New storage location in %(warehouse)s") % {"warehouse": warehouse.name}
        },
    )


@role_required("inventory.view_location")
def location_edit(request, pk: int):
    location = get_object_or_404(Location.objects.select_related("warehouse"), pk=pk)
    _edit_allowed(request, "inventory.change_location")
    return _form_page(
        request,
        LocationForm(request.POST or None, instance=Location.objects.get(pk=pk)),
        save=lambda **data: master_data.location_update(
            location=location, user=request.user, **data
        ),
        success=_("Storage location %(record)s saved."),
        target=reverse("inventory:warehouse_edit", args=[location.warehouse_id]),
        back="inventory:warehouses",
        back_label=_("Warehouses"),
        page=lambda: _record_parts(request, location, "location", "inventory.change_location"),
    )
