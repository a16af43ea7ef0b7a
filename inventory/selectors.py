"""Reads of stock: one query per page, whatever the number of products."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from inventory.enums import Unit
from inventory.models import Batch, BatchLevel, Product, StockMove
from salesadmin.db import any_contains, search_filter
from salesadmin.pinyin import looks_like_initials

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=3))


def stock_overview(
    *, warehouse_id: int | None = None, search: str = "", below_safety: bool = False
) -> QuerySet[Product]:
    """Products with on hand, reserved and available (saleable stock), and
    held (returned goods that failed inspection), summed over warehouses (or
    for one), and whether available stock has fallen below safety stock."""
    # Goods in held locations (failed inspection) are on hand but never
    # available: their own column. A warehouse's held goods are in its held
    # location (a warehouse that holds for it).
    held = Q(stock_levels__warehouse__holds_for__isnull=False)
    if warehouse_id:
        saleable_filter = Q(stock_levels__warehouse_id=warehouse_id) & ~held
        held_filter = Q(stock_levels__warehouse__holds_for_id=warehouse_id)
    else:
        saleable_filter, held_filter = ~held, held
    qs = Product.objects.filter(active=True).annotate(
        on_hand_total=Coalesce(Sum("stock_levels__on_hand", filter=saleable_filter), ZERO),
        reserved_total=Coalesce(Sum("stock_levels__reserved", filter=saleable_filter), ZERO),
        held_total=Coalesce(Sum("stock_levels__on_hand", filter=held_filter), ZERO),
    )
    qs = qs.annotate(available_total=F("on_hand_total") - F("reserved_total"))
    qs = qs.annotate(
        below_safety=Q(available_total__lt=F("safety_stock")),
    )
    qs = search_filter(qs, search, "sku", "name", "specification")
    if below_safety:
        qs = qs.filter(available_total__lt=F("safety_stock"))
    return qs.order_by("sku")


def batch_levels(*, product_ids: list[int], warehouse_id: int | None = None):
    qs = BatchLevel.objects.filter(product_id__in=product_ids, on_hand__gt=0).select_related(
        "batch", "warehouse"
    )
    if warehouse_id:
        qs = qs.filter(warehouse_id=warehouse_id)
    return qs.order_by("product_id", "batch__produced_on", "batch__number")


def recent_moves(*, limit: int = 50, kind: str = "", reference: str = "") -> QuerySet[StockMove]:
    qs = StockMove.objects.select_related("product", "warehouse", "batch", "created_by")
    if kind:
        qs = qs.filter(kind=kind)
    if reference:  # e.g. a delivery note's number: its dispatch moves
        qs = qs.filter(reference=reference)
    return qs.order_by("-created_at", "-id")[:limit]


def products_below_safety_count() -> int:
    return stock_overview(below_safety=True).count()


PICKER_LIMIT = 20


def product_picker(*, search: str, limit: int = PICKER_LIMIT) -> list[dict]:
    """Active products whose SKU, name or specification contains the typed text,
    or whose name's pinyin initials do ("yy" finds 液氧). One query."""
    qs = Product.objects.filter(active=True)
    search = search.strip()
    if search:
        match = any_contains(search, "sku", "name", "specification")
        if looks_like_initials(search):
            match |= Q(name_initials__contains=search.lower())
        qs = qs.filter(match)
    rows = qs.order_by("sku").values("pk", "sku", "name", "specification", "unit")[:limit]
    units = dict(Unit.choices)
    return [
        {
            "value": r["pk"],
            "text": " ".join(x for x in (r["sku"], r["name"], r["specification"]) if x),
            "unit": str(units.get(r["unit"], r["unit"])),
        }
        for r in rows
    ]


def batch_picker(*, search: str, product_id: int | None = None, limit: int = PICKER_LIMIT):
    """Batches by number (or product SKU), newest first, optionally of one product. One query."""
    qs = Batch.objects.all()
    if product_id is not None:
        qs = qs.filter(product_id=product_id)
    qs = search_filter(qs, search, "number", "product__sku")
    rows = qs.order_by("-produced_on", "number").values(
        "pk", "number", "produced_on", "product__sku"
    )[:limit]
    return [
        {"value": r["pk"], "text": f"{r['number']} · {r['product__sku']} · {r['produced_on']}"}
        for r in rows
    ]
