"""Price list pages: the list of versions with search, filter and export, and
each version's items and history; the manager edits, others read."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from orders.forms.price_lists import PriceListForm, PriceListItemForm, PriceListVersionForm
from orders.models import PriceList, PriceListItem
from orders.services import price_lists as services
from salesadmin.clock import company_today
from salesadmin.decimal_input import parse_id
from salesadmin.exports import FORMATS, export_response
from salesadmin.forms import form_status, saved_or_form_error
from salesadmin.history import history_rows
from salesadmin.page_access import role_required


def _in_force(today):
    return Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))


@role_required("orders.view_pricelist")
def price_list_list(request):
    today = company_today()
    search = request.GET.get("q", "").strip()[:100]
    when = request.GET.get("when", "")
    lists = PriceList.objects.annotate(item_count=Count("items")).order_by("-valid_from", "code")
    if search:
        lists = lists.filter(Q(code__icontains=search) | Q(name__icontains=search))
    if when == "now":
        lists = lists.filter(_in_force(today))
    elif when == "future":
        lists = lists.filter(valid_from__gt=today)
    else:
        when = ""
    fmt = request.GET.get("export")
    if fmt in FORMATS:
        # The items of the lists shown, one row each: the sheet the import reads back.
        items = (
            PriceListItem.objects.filter(price_list__in=lists.values("pk"))
            .select_related("price_list", "product")
            .order_by("price_list__valid_from", "price_list__code", "product__sku")
        )
        header = ["list_code", "list_name", "valid_from", "valid_to", "sku"]
        header += ["standard_price", "minimum_price"]
        rows = (
            [
                i.price_list.code,
                i.price_list.name,
                i.price_list.valid_from,
                i.price_list.valid_to,
                i.product.sku,
                i.standard_price,
                i.minimum_price,
            ]
            for i in items.iterator()
        )
        return export_response(fmt, "price-lists", _("Price lists"), header, rows)
    context = {
        "lists": list(lists),
        "today": today,
        "search": search,
        "when": when,
        "can_add": request.user.has_perm("orders.add_pricelist"),
    }
    return render(request, "orders/price_lists.html", context)


@role_required("orders.add_pricelist")
def price_list_new(request):
    initial = {}
    source = parse_id(request.GET.get("copy"))
    if source is not None:
        previous = PriceList.objects.filter(pk=source).first()
        if previous:
            initial = {"copy_from": previous, "name": previous.name}
    form = PriceListVersionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        price_list = saved_or_form_error(
            form, lambda **data: services.price_list_create(user=request.user, **data)
        )
        if price_list is not None:
            messages.success(request, _("Price list %(code)s saved.") % {"code": price_list.code})
            return redirect("orders:price_list_detail", pk=price_list.pk)
    return render(
        request,
        "orders/price_list_new.html",
        {"form": form},
        status=form_status(form),
    )


@role_required("orders.view_pricelist")
def price_list_detail(request, pk: int):
    price_list = get_object_or_404(PriceList, pk=pk)
    can_change = request.user.has_perm("orders.change_pricelist")
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    head = PriceListForm(
        request.POST if "save_list" in request.POST else None,
        instance=PriceList.objects.get(pk=pk),
        prefix="list",
    )
    item_form = PriceListItemForm(
        request.POST if "save_item" in request.POST else None, prefix="item"
    )
    if request.method == "POST":
        form = head if "save_list" in request.POST else item_form
        save = services.price_list_update if form is head else services.price_list_item_set
        if saved_or_form_error(
            form, lambda **data: save(price_list=price_list, user=request.user, **data)
        ):
            messages.success(request, _("Saved."))
            return redirect("orders:price_list_detail", pk=pk)
    items = list(price_list.items.select_related("product").order_by("product__sku"))
    history = history_rows(model=PriceList, record_type="price_list", record_id=pk)
    item_history = history_rows(
        model=PriceListItem, record_type="price_list_item", record_ids=[i.pk for i in items]
    )
    today = company_today()
    context = {
        "price_list": price_list,
        "in_force": price_list.valid_from <= today
        and (price_list.valid_to is None or price_list.valid_to >= today),
        "head": head,
        "item_form": item_form,
        "items": items,
        "history": sorted(history + item_history, key=lambda h: (h.at, h.pk), reverse=True),
        "can_change": can_change,
        "can_add": request.user.has_perm("orders.add_pricelist"),
    }
    return render(
        request, "orders/price_list_detail.html", context, status=form_status(head, item_form)
    )


urlpatterns = [
    path("price-lists/", price_list_list, name="price_lists"),
    path("price-lists/new/", price_list_new, name="price_list_new"),
    path("price-lists/<int:pk>/", price_list_detail, name="price_list_detail"),
]
