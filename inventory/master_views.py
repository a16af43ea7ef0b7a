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


@role_required("inventory.add_product")
def product_new(request):
    form = ProductForm(request.POST or None)
    if request.method == "POST":
        done = save_through_service(
            request,
            form,
            lambda **data: master_data.product_create(user=request.user, **data),
            _("Product %(record)s saved."),
            "inventory:products",
        )
        if done:
            return done
    status = 400 if form.errors else 200
    context = {
        "form": form,
        "title": _("New product"),
        "back": "inventory:products",
        "back_label": _("Products"),
    }
    return render(request, "master_form.html", context, status=status)


@role_required("inventory.view_product")
def product_edit(request, pk: int):
    product = get_object_or_404(Product, pk=pk)
    if request.method == "POST" and not request.user.has_perm("inventory.change_product"):
        raise PermissionDenied
    form = ProductForm(request.POST or None, instance=Product.objects.get(pk=pk))
    if request.method == "POST":
        done = save_through_service(
            request,
            form,
            lambda **data: master_data.product_update(product=product, user=request.user, **data),
            _("Product %(record)s saved."),
            "inventory:products",
        )
        if done:
            return done
    context = {
        "form": form,
        "title": str(product),
        "back": "inventory:products",
        "back_label": _("Products"),
        "history": history_rows(model=Product, record_type="product", record_id=product.pk),
        "read_only": not request.user.has_perm("inventory.change_product"),
    }
    return render(request, "master_form.html", context, status=400 if form.errors else 200)


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
    form = WarehouseForm(request.POST or None)
    if request.method == "POST":
        done = save_through_service(
            request,
            form,
            lambda **data: master_data.warehouse_create(user=request.user, **data),
            _("Warehouse %(record)s saved."),
            "inventory:warehouses",
        )
        if done:
            return done
    context = {
        "form": form,
        "title": _("New warehouse"),
        "back": "inventory:warehouses",
        "back_label": _("Warehouses"),
    }
    return render(request, "master_form.html", context, status=400 if form.errors else 200)


@role_required("inventory.view_warehouse")
def warehouse_edit(request, pk: int):
    warehouse = get_object_or_404(Warehouse, pk=pk)
    if request.method == "POST" and not request.user.has_perm("inventory.change_warehouse"):
        raise PermissionDenied
    form = WarehouseForm(request.POST or None, instance=Warehouse.objects.get(pk=pk))
    if request.method == "POST":
        done = save_through_service(
            request,
            form,
            lambda **data: master_data.warehouse_update(
                warehouse=warehouse, user=request.user, **data
            ),
            _("Warehouse %(record)s saved."),
            "inventory:warehouses",
        )
        if done:
            return done
    context = {
        "form": form,
        "title": str(warehouse),
        "back": "inventory:warehouses",
        "back_label": _("Warehouses"),
        "history": history_rows(model=Warehouse, record_type="warehouse", record_id=warehouse.pk),
        "read_only": not request.user.has_perm("inventory.change_warehouse"),
        "warehouse": warehouse,
        "locations": list(warehouse.locations.order_by("code"))
        if request.user.has_perm("inventory.view_location")
        else None,
        "can_add_location": request.user.has_perm("inventory.add_location")
        and not warehouse.is_held,
    }
    return render(request, "master_form.html", context, status=400 if form.errors else 200)


@role_required("inventory.add_location")
def location_new(request, pk: int):
    warehouse = get_object_or_404(Warehouse, pk=pk)
    form = LocationForm(request.POST or None)
    if request.method == "POST":
        done = save_through_service(
            request,
            form,
            lambda **data: master_data.location_create(
                user=request.user, warehouse=warehouse, **data
            ),
            _("Storage location %(record)s saved."),
            reverse("inventory:warehouse_edit", args=[warehouse.pk]),
        )
        if done:
            return done
    context = {
        "form": form,
        "title": _("New storage location in %(warehouse)s") % {"warehouse": warehouse.name},
        "back": "inventory:warehouses",
        "back_label": _("Warehouses"),
    }
    return render(request, "master_form.html", context, status=400 if form.errors else 200)


@role_required("inventory.view_location")
def location_edit(request, pk: int):
    location = get_object_or_404(Location.objects.select_related("warehouse"), pk=pk)
    if request.method == "POST" and not request.user.has_perm("inventory.change_location"):
        raise PermissionDenied
    form = LocationForm(request.POST or None, instance=Location.objects.get(pk=pk))
    if request.method == "POST":
        done = save_through_service(
            request,
            form,
            lambda **data: master_data.location_update(
                location=location, user=request.user, **data
            ),
            _("Storage location %(record)s saved."),
            reverse("inventory:warehouse_edit", args=[location.warehouse_id]),
        )
        if done:
            return done
    context = {
        "form": form,
        "title": str(location),
        "back": "inventory:warehouses",
        "back_label": _("Warehouses"),
        "history": history_rows(model=Location, record_type="location", record_id=location.pk),
        "read_only": not request.user.has_perm("inventory.change_location"),
    }
    return render(request, "master_form.html", context, status=400 if form.errors else 200)
