"""Read stock levels back in tests."""

from __future__ import annotations

from decimal import Decimal

from inventory.models import BatchLevel, StockLevel


def level_of(product, warehouse) -> StockLevel:
    return StockLevel.objects.get(product=product, warehouse=warehouse)


def batch_on_hand(product, warehouse, batch) -> Decimal:
    return BatchLevel.objects.get(product=product, warehouse=warehouse, batch=batch).on_hand
