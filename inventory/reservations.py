"""Reservations: stock promised to delivery notes, taken from what is
available under the levels' locks, given back when a note is cancelled or
expires, moved between notes; each change is a ReservationMove ledger row."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from inventory.models import Product, ReservationMove, StockLevel, Warehouse
from inventory.services import InsufficientStock, _add_to, _locked_levels
from salesadmin.decimal_input import parse_positive_quantity, parse_quantity
from salesadmin.errors import ApplicationError


@transaction.atomic
def stock_reserve(
    *, product: Product, warehouse: Warehouse, quantity, reference: str, user
) -> StockLevel:
    """Reserve stock for a delivery note; refused beyond available (严禁超发)."""
    return stock_reserve_many(
        warehouse=warehouse, items=[(product, quantity)], reference=reference, user=user
    )[0]


@transaction.atomic
def stock_reserve_many(
    *, warehouse: Warehouse, items: list[tuple[Product, Decimal]], reference: str, user
) -> list[StockLevel]:
    """Reserve several products at once (a note's lines); refused beyond
    available. Returns the levels as written."""
    return _change_reservations(
        warehouse=warehouse, items=items, reference=reference, user=user, sign=1
    )


@transaction.atomic
def stock_release(
    *, product: Product, warehouse: Warehouse, quantity, reference: str, user
) -> StockLevel:
    """Give back a reservation (a note cancelled or expired)."""
    return stock_release_many(
        warehouse=warehouse, items=[(product, quantity)], reference=reference, user=user
    )[0]


@transaction.atomic
def stock_release_many(
    *, warehouse: Warehouse, items: list[tuple[Product, Decimal]], reference: str, user
) -> list[StockLevel]:
    return _change_reservations(
        warehouse=warehouse, items=items, reference=reference, user=user, sign=-1
    )


def _change_reservations(*, warehouse, items, reference: str, user, sign: int) -> list[StockLevel]:
    """Reserve (sign 1) or release (sign -1) under the levels' locks: one lock
    query, one ledger insert and one level update for all the items."""
    if sign > 0 and warehouse.holds_for_id is not None:
        raise ApplicationError(
            _("%(warehouse)s holds goods that failed inspection: nothing there is available.")
            % {"warehouse": warehouse.name},
            code="warehouse_held",
        )
    wanted: list[tuple[Product, Decimal]] = []
    for product, quantity in items:
        wanted.append((product, parse_positive_quantity(quantity)))
    levels = _locked_levels({(product.pk, warehouse.pk) for product, _qty in wanted})
    for product, qty in wanted:
        level = levels[(product.pk, warehouse.pk)]
        if sign > 0:
            available = level.on_hand - level.reserved
            if qty > available:
                raise InsufficientStock(
                    _("Only %(qty)s %(unit)s of %(product)s is available in %(warehouse)s.")
                    % {
                        "qty": available,
                        "unit": product.get_unit_display(),
                        "product": product.name,
                        "warehouse": warehouse.name,
                    },
                    available=available,
                )
        elif qty > level.reserved:
            raise ApplicationError(
                _("Only %(qty)s is reserved.") % {"qty": level.reserved},
                code="reservation_mismatch",
            )
        level.reserved += sign * qty  # the row is locked: this is what the update writes
    ReservationMove.objects.bulk_create(
        [
            ReservationMove(
                product=product,
                warehouse=warehouse,
                quantity=sign * qty,
                reference=reference,
                created_by=user,
            )
            for product, qty in wanted
        ]
    )
    deltas: dict[int, dict[str, Decimal]] = {}
    for product, qty in wanted:
        level = levels[(product.pk, warehouse.pk)]
        deltas.setdefault(level.pk, {"reserved": Decimal(0)})["reserved"] += sign * qty
    _add_to(StockLevel, deltas)
    return [levels[(product.pk, warehouse.pk)] for product, _qty in wanted]


@transaction.atomic
def stock_reserve_up_to(
    *, warehouse: Warehouse, items: list[tuple[Product, Decimal]], reference: str, user
) -> dict[int, Decimal]:
    """Reserve what is available of each item, up to the quantity wanted (a
    contract's stock preparation slip holds what exists; production makes the
    rest). Decided under the levels' locks, so a racing note or slip cannot
    take the same units. Returns {product id: quantity reserved} (0: none)."""
    if warehouse.holds_for_id is not None or not warehouse.active:
        return {product.pk: Decimal("0") for product, _qty in items}
    parsed = [(product, parse_quantity(qty)) for product, qty in items]
    wanted = [(product, qty) for product, qty in parsed if qty > 0]
    if not wanted:
        return {product.pk: Decimal("0") for product, _qty in items}
    levels = _locked_levels({(product.pk, warehouse.pk) for product, _qty in wanted})
    taken: dict[int, Decimal] = {product.pk: Decimal("0") for product, _qty in items}
    deltas: dict[int, dict[str, Decimal]] = {}
    rows = []
    for product, qty in wanted:
        level = levels[(product.pk, warehouse.pk)]
        take = min(qty, max(level.on_hand - level.reserved, Decimal("0")))
        if take <= 0:
            continue
        level.reserved += take
        taken[product.pk] += take
        deltas.setdefault(level.pk, {"reserved": Decimal(0)})["reserved"] += take
        rows.append(
            ReservationMove(
                product=product,
                warehouse=warehouse,
                quantity=take,
                reference=reference,
                created_by=user,
            )
        )
    if rows:
        ReservationMove.objects.bulk_create(rows)
        _add_to(StockLevel, deltas)
    return taken


@transaction.atomic
def stock_reservation_transfer(
    *,
    warehouse: Warehouse,
    items: list[tuple[Product, Decimal]],
    from_reference: str,
    to_reference: str,
    user,
) -> None:
    """Hand a reservation over from one document to another (a preparation
    slip's units to the delivery note that carries them): the ledger records
    both sides, the reserved total does not change, so nothing is booked twice
    and nothing is freed in between."""
    rows = []
    for product, quantity in items:
        qty = parse_quantity(quantity)
        if qty <= 0:
            continue
        for sign, reference in ((-1, from_reference), (1, to_reference)):
            rows.append(
                ReservationMove(
                    product=product,
                    warehouse=warehouse,
                    quantity=sign * qty,
                    reference=reference,
                    created_by=user,
                )
            )
    ReservationMove.objects.bulk_create(rows)
