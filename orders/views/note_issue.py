"""Issuing a delivery note from an approved order (开发货单): the clerk picks
the warehouse that has the goods and the quantity of each open line."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from orders.enums import OrderStatus
from orders.forms.sales_orders import IssueQuantityForm, NoteIssueForm
from orders.models import SalesOrder
from orders.selectors import sales_orders as selectors
from orders.services.delivery_notes import IssueLine, delivery_note_issue
from orders.views.page_helpers import url_or_none
from salesadmin.decimal_input import parse_id, plain_number
from salesadmin.errors import ApplicationError
from salesadmin.page_access import role_required

ISSUABLE = (OrderStatus.APPROVED, OrderStatus.PARTIALLY_DELIVERED)  # an order notes are issued from


@role_required("orders.view_salesorder", "orders.issue_deliverynote")
def note_issue(request, pk: int):
    order = get_object_or_404(SalesOrder.objects.select_related("customer"), pk=pk)
    if order.status not in ISSUABLE:
        messages.error(request, _("Notes can be issued only from an approved order."))
        return redirect("orders:order_detail", pk=order.pk)
    data = request.POST if request.method == "POST" else None
    rows = selectors.issue_rows(order=order)
    for row in rows:
        row["form"] = IssueQuantityForm(
            data, prefix=f"line-{row['line'].pk}", initial={"quantity": plain_number(row["open"])}
        )
    warehouses = list(NoteIssueForm.base_fields["warehouse"].queryset.all())
    stock = selectors.available_stock(
        product_ids=[row["line"].product_id for row in rows],
        warehouse_ids=[w.pk for w in warehouses],
    )
    # The form opens on the warehouse that has the goods, and shows every warehouse's.
    availability = selectors.warehouse_availability(rows=rows, warehouses=warehouses, stock=stock)
    proposed = availability[0]["warehouse"].pk if availability else None
    form = NoteIssueForm(data, initial={"warehouse": proposed})
    if data is not None and form.is_valid() and all(row["form"].is_valid() for row in rows):
        lines = [
            IssueLine(order_line=row["line"], quantity=row["form"].cleaned_data["quantity"])
            for row in rows
            if row["form"].cleaned_data["quantity"]
        ]
        try:
            note = delivery_note_issue(
                order=order,
                user=request.user,
                warehouse=form.cleaned_data["warehouse"],
                lines=lines,
                vehicle_plate=form.cleaned_data["vehicle_plate"],
                driver=form.cleaned_data["driver"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Delivery note %(number)s issued.") % {"number": note.number}
            )
            return redirect(
                url_or_none("orders:note_detail", note.pk)
                or reverse("orders:order_detail", args=[order.pk])
            )
    selected = parse_id(form["warehouse"].value()) or proposed
    for row in rows:
        row["available"] = stock.get(selected, {}).get(row["line"].product_id, Decimal("0"))
    stock_json = {
        str(wid): {str(pid): str(qty) for pid, qty in levels.items()}
        for wid, levels in stock.items()
    }
    return render(
        request,
        "orders/order_issue.html",
        {
            "order": order,
            "form": form,
            "rows": rows,
            "stock": stock_json,
            "availability": availability,
            "proposed": proposed,
            "nothing_open": all(row["open"] <= 0 for row in rows),
        },
    )
