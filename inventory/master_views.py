"""Pages for products and warehouses: lists with search, filters and export,
and the manager's forms with each record's history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
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


@dataclass(frozen=True)
class _FormPages:
    """What a master record's new and edit pages share."""

    form: type
    record_type: str  # the master-data history's name for the record
    change_perm: str
    saved: object  # a lazy translation with %(record)s
    back: str  # the list the pages lead back to
    back_label: object
    create: Callable  # the master-data services that save
    update: Callable  # takes the record as the keyword named record_type


PRODUCT_PAGES = _FormPages(
    form=ProductForm,
    record_type="product",
    create=master_data.product_create,
    update=master_data.product_update,
    change_perm="inventory.change_product",
    saved=gettext_lazy("Product %(record)s saved."),
    back="inventory:products",
    back_label=gettext_lazy("Products"),
)
WAREHOUSE_PAGES = _FormPages(
    form=WarehouseForm,
    record_type="warehouse",
    create=master_data.warehouse_create,
    update=master_data.warehouse_update,
    change_perm="inventory.change_warehouse",
    saved=gettext_lazy("Warehouse %(record)s saved."),
    back="inventory:warehouses",
    back_label=gettext_lazy("Warehouses"),
)
LOCATION_PAGES = _FormPages(
    form=LocationForm,
    record_type="location",
    create=master_data.location_create,
    update=master_data.location_update,
    change_perm="inventory.change_location",
    saved=gettext_lazy("Storage location %(record)s saved."),
    back="inventory:warehouses",
    back_label=gettext_lazy("Warehouses"),
)


def _form_page(request, pages: _FormPages, form, *, save, target: str, page):
    """A POST saves through ``save`` and redirects to ``target``; otherwise (or
    refused) the form shows again with ``page()``'s parts."""
    if request.method == "POST":
        done = save_through_service(request, form, save, str(pages.saved), target)
        if done:
            return done
    context = {
        "form": form,
        "back": pages.back,
        "back_label": str(pages.back_label),
        **page(),
    }
    return render(request, "master_form.html", context, status=400 if form.errors else 200)


def _new_page(request, pages: _FormPages, *, title: str, target: str = "", **parents):
    form = pages.form(request.POST or None)
    return _form_page(
        request,
        pages,
        form,
        save=lambda **data: pages.create(user=request.user, **parents, **data),
        target=target or pages.back,
        page=lambda: {"title": title},
    )


def _edit_page(request, pages: _FormPages, record, *, target: str = "", **more):
    """Anyone who may view a record opens its page, with its history; only who may
    change it saves. ``more`` adds parts to the page, each computed when shown."""
    if request.method == "POST" and not request.user.has_perm(pages.change_perm):
        raise PermissionDenied
    form = pages.form(request.POST or None, instance=type(record).objects.get(pk=record.pk))
    return _form_page(
        request,
        pages,
        form,
        save=lambda **data: pages.update(**{pages.record_type: record}, user=request.user, **data),
        target=target or pages.back,
        page=lambda: {
            "title": str(record),
            "history": history_rows(
                model=type(record), record_type=pages.record_type, record_id=record.pk
            ),
            "read_only": not request.user.has_perm(pages.change_perm),
            **{name: value() for name, value in more.items()},
        },
    )


@role_required("inventory.add_product")
def product_new(request):
    return _new_page(request, PRODUCT_PAGES, title=_("New product"))


@role_required("inventory.view_product")
def product_edit(request, pk: int):
    return _edit_page(request, PRODUCT_PAGES, get_object_or_404(Product, pk=pk))


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
    return _new_page(request, WAREHOUSE_PAGES, title=_("New warehouse"))


@role_required("inventory.view_warehouse")
def warehouse_edit(request, pk: int):
    warehouse = get_object_or_404(Warehouse, pk=pk)
    user = request.user
    return _edit_page(
        request,
        WAREHOUSE_PAGES,
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
    return _new_page(
        request,
        LOCATION_PAGES,
        warehouse=warehouse,
        title=_("New storage location in %(warehouse)s") % {"warehouse": warehouse.name},
        target=reverse("inventory:warehouse_edit", args=[warehouse.pk]),
    )


@role_required("inventory.view_location")
def location_edit(request, pk: int):
    location = get_object_or_404(Location.objects.select_related("warehouse"), pk=pk)
    return _edit_page(
        request,
        LOCATION_PAGES,
        location,
        target=reverse("inventory:warehouse_edit", args=[location.warehouse_id]),
    )
