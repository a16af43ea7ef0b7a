"""The contract's type (seed 002 1.1) and whether it is a formal contract.

A: every line is available in stock; B: a standard product short of stock
(production makes the shortfall); C: a non-standard product or one never
produced before (its requirements are reviewed first). A formal contract
(settings: prepaid customers, amounts above a threshold, C contracts) is
reviewed by the department head and the sales director before it takes effect.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Sum

from customers.enums import CreditTerms
from inventory.models import StockLevel
from orders.enums import ContractType


def available_stock(product_ids: list[int]) -> dict[int, Decimal]:
    """Per product: on hand less reserved over the saleable warehouses (not a
    held location, not closed)."""
    rows = (
        StockLevel.objects.filter(
            product_id__in=product_ids,
            warehouse__holds_for__isnull=True,
            warehouse__active=True,
        )
        .values("product_id")
        .annotate(free=Sum(F("on_hand") - F("reserved")))
        .order_by()
    )
    found = {row["product_id"]: row["free"] for row in rows}
    return {pid: found.get(pid) or Decimal("0") for pid in product_ids}


def propose_contract_type(lines) -> str:
    """``lines``: the order's lines with their products (built or saved)."""
    if any(ln.product.non_standard or ln.product.never_produced for ln in lines):
        return ContractType.C
    wanted: dict[int, Decimal] = defaultdict(Decimal)
    for ln in lines:
        wanted[ln.product_id] += ln.quantity
    available = available_stock(list(wanted))
    if all(available[pid] >= qty for pid, qty in wanted.items()):
        return ContractType.A
    return ContractType.B


def is_formal_contract(order) -> bool:
    rules = settings.CONTRACT_REVIEW
    if rules["type_c"] and order.contract_type == ContractType.C:
        return True
    if rules["prepaid"] and order.customer.credit_terms == CreditTerms.PREPAID:
        return True
    threshold = rules["threshold"]
    return threshold is not None and order.total > threshold
