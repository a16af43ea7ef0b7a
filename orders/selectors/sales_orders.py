"""Reads of sales orders for the pages: querysets that stay flat in queries as rows grow."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from inventory.models import StockLevel
from orders.enums import ApprovalReason, OrderStatus
from orders.models import DeliveryNote, SalesOrder, SalesOrderLine
from orders.services.delivery_notes import lines_with_issued, open_quantities
from salesadmin.db import search_filter
from salesadmin.models import TransitionLog

DOC = "sales_order"


# Everyone whose role may see orders (or notes) sees all of them: the company has
# no per-salesperson split. The view permission is checked before any query.


def orders_visible(user) -> QuerySet[SalesOrder]:
    return SalesOrder.objects.select_related("customer", "created_by", "decided_by", "review_level")


def order_detail_queryset(user) -> QuerySet[SalesOrder]:
    """An order with its lines, each with what live notes already carry (``issued``)."""
    return orders_visible(user).prefetch_related(
        Prefetch(
            "lines",
            queryset=lines_with_issued().select_related("product").order_by("position", "id"),
        )
    )


def sales_order_list(*, user, status: str = "", search: str = "") -> QuerySet[SalesOrder]:
    """Every order the user may see. Clerks see all orders for now (no per-salesperson
    scoping); the caller has checked orders.view_salesorder."""
    qs = SalesOrder.objects.select_related("customer", "created_by")
    if status:
        qs = qs.filter(status=status)
    qs = search_filter(qs, search, "number", "customer__code", "customer__name")
    return qs.order_by("-created_at", "-id")


def sales_order_detail(*, pk: int, user) -> SalesOrder:
    return (
        SalesOrder.objects.select_related("customer", "created_by", "decided_by", "review_level")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=SalesOrderLine.objects.select_related("product").order_by(
                    "position", "id"
                ),
            ),
            Prefetch(
                "delivery_notes",
                queryset=DeliveryNote.objects.select_related("warehouse", "issued_by").order_by(
                    "-issued_at", "-id"
                ),
            ),
        )
        .get(pk=pk)
    )


def approval_queue(*, user) -> QuerySet[SalesOrder]:
    """Submitted orders waiting for a manager, oldest first."""
    return (
        SalesOrder.objects.filter(status=OrderStatus.SUBMITTED)
        .select_related("customer", "created_by")
        .order_by("submitted_at", "id")
    )


def reasons_in_words(order: SalesOrder) -> list[dict]:
    """The stored approval reasons with their labels, for people to read."""
    labels = dict(ApprovalReason.choices)
    return [
        {
            "code": reason.get("code"),
            "label": labels.get(reason.get("code"), reason.get("code")),
            "line": reason.get("line"),
            "detail": reason.get("detail") or "",
        }
        for reason in order.approval_reasons or []
    ]


def order_transition_log(*, order: SalesOrder) -> QuerySet[TransitionLog]:
    return (
        TransitionLog.objects.filter(document_type=DOC, document_id=order.pk)
        .select_related("user")
        .order_by("at", "id")
    )


def available_stock(*, product_ids: list[int], warehouse_ids: list[int]) -> dict:
    """{warehouse_id: {product_id: on hand − reserved}} in one query."""
    stock: dict[int, dict[int, Decimal]] = {wid: {} for wid in warehouse_ids}
    for level in StockLevel.objects.filter(
        product_id__in=product_ids, warehouse_id__in=warehouse_ids
    ).only("product_id", "warehouse_id", "on_hand", "reserved"):
        stock[level.warehouse_id][level.product_id] = level.on_hand - level.reserved
    return stock


def issue_rows(*, order: SalesOrder) -> list[dict]:
    """Per order line: ordered, already on live notes, and still open."""
    open_qty = open_quantities(order)
    rows = []
    for line in order.lines.select_related("product").order_by("position", "id"):
        open_ = open_qty.get(line.pk, line.quantity)
        rows.append(
            {
                "line": line,
                "ordered": line.quantity,
                "on_notes": line.quantity - open_,
                "open": open_,
            }
        )
    return rows


def warehouse_availability(*, rows: list[dict], warehouses: list, stock: dict) -> list[dict]:
    """Per warehouse: what is available of each open line and whether it covers the
    open quantity; the warehouse that has the goods first: every line covered, then
    the most lines covered, then the most of the open quantity, then by code."""
    table = []
    for position, warehouse in enumerate(warehouses):
        cells, covered, quantity = [], 0, Decimal("0")
        for row in rows:
            available = stock.get(warehouse.pk, {}).get(row["line"].product_id, Decimal("0"))
            enough = row["open"] <= 0 or available >= row["open"]
            covered += enough
            quantity += max(min(available, row["open"]), Decimal("0"))
            cells.append({"available": available, "enough": enough})
        table.append(
            {
                "warehouse": warehouse,
                "cells": cells,
                "covers_all": covered == len(rows),
                "rank": (-covered, -quantity, position),
            }
        )
    table.sort(key=lambda entry: entry["rank"])
    return table
