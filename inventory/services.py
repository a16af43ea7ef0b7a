"""Every stock write goes through here: the ledger row and the level change
happen in one transaction, under row locks, and stock never goes negative."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from inventory.enums import MoveKind
from inventory.models import (
    Batch,
    BatchLevel,
    Product,
    ReservationMove,
    StockLevel,
    StockMove,
    Warehouse,
)
from salesadmin.db import locked
from salesadmin.errors import ApplicationError
from salesadmin.numbers import parse_quantity


class InsufficientStock(ApplicationError):
    def __init__(self, message: str, *, available: Decimal):
        super().__init__(message, code="insufficient_stock", extra={"available": str(available)})
        self.available = available


def _quantity(value) -> Decimal:
    return parse_quantity(value)


def _locked(model, **key):
    """Lock the row for ``key``, creating it first if it does not exist yet.

    The common case (the row exists) is one SELECT ... FOR NO KEY UPDATE.
    """
    locking = locked(model.objects)
    # order_by(): the model's ordering would join products and warehouses.
    row = locking.filter(**key).order_by().first()
    if row is None:
        model.objects.get_or_create(**key)  # a racing creator is fine: unique key
        row = locking.get(**key)
    return row


def _locked_level(product: Product, warehouse: Warehouse) -> StockLevel:
    # Always lock the product/warehouse level first, then the batch level:
    # one order for everyone means no deadlocks between movers.
    return _locked(StockLevel, product=product, warehouse=warehouse)


def _locked_batch_level(product: Product, warehouse: Warehouse, batch: Batch) -> BatchLevel:
    return _locked(BatchLevel, product=product, warehouse=warehouse, batch=batch)


@transaction.atomic
def stock_move_record(
    *,
    kind: str,
    product: Product,
    warehouse: Warehouse,
    batch: Batch,
    quantity,
    user,
    reference: str = "",
    note: str = "",
) -> StockMove:
    """Append one signed move to the ledger and apply it to the levels.

    A move that takes stock out may not take what is reserved for others; goods
    leaving against a delivery note's own reservation go through stock_dispatch.
    """
    qty = _quantity(quantity)
    if kind not in MoveKind.values:
        raise ApplicationError(_("Unknown kind of stock move."), code="invalid_kind")
    if batch.product_id != product.pk:
        raise ApplicationError(_("The batch belongs to another product."), code="batch_mismatch")
    if qty == 0:
        raise ApplicationError(_("The quantity cannot be zero."), code="invalid_quantity")
    if kind in (MoveKind.PRODUCTION_RECEIPT, MoveKind.RETURN) and qty < 0:
        raise ApplicationError(_("A receipt or return adds stock."), code="invalid_quantity")
    if kind == MoveKind.DISPATCH and qty > 0:
        raise ApplicationError(_("A dispatch takes stock out."), code="invalid_quantity")

    level = _locked_level(product, warehouse)
    batch_level = _locked_batch_level(product, warehouse, batch)
    if qty < 0:
        out = -qty
        free = level.on_hand - level.reserved
        if out > batch_level.on_hand:
            raise InsufficientStock(
                _("Only %(qty)s of batch %(batch)s is on hand.")
                % {"qty": batch_level.on_hand, "batch": batch.number},
                available=batch_level.on_hand,
            )
        if out > free:
            raise InsufficientStock(
                _("Only %(qty)s of %(product)s is available (on hand less reserved).")
                % {"qty": free, "product": product.sku},
                available=free,
            )

    move = StockMove.objects.create(
        kind=kind,
        product=product,
        warehouse=warehouse,
        batch=batch,
        quantity=qty,
        reference=reference,
        note=note,
        created_by=user,
    )
    StockLevel.objects.filter(pk=level.pk).update(on_hand=F("on_hand") + qty)
    BatchLevel.objects.filter(pk=batch_level.pk).update(on_hand=F("on_hand") + qty)
    return move


@transaction.atomic
def stock_dispatch(**kwargs) -> list[StockMove]:
    """Goods onto a truck against their note's reservation (see _dispatch)."""
    return _dispatch(**kwargs)


@transaction.atomic
def stock_dispatch_many(*, lines: list[dict]) -> list[list[StockMove]]:
    """Several products of one note in one savepoint, in product id order (the
    one lock order everyone uses). Each dict holds _dispatch's arguments."""
    return [_dispatch(**line) for line in lines]


def _dispatch(
    *,
    product: Product,
    warehouse: Warehouse,
    reserved_quantity,
    allocations: list[tuple[Batch, Decimal]],
    reference: str,
    user,
) -> list[StockMove]:
    """Goods onto a truck against the reservation of their delivery note.

    The note reserved ``reserved_quantity``; what leaves (per batch) may differ
    (weighbridge). The reservation is released and the stock moved out under one
    lock of the level, so others' reservations stay untouched and nothing goes
    negative.
    """
    reserved_qty = _quantity(reserved_quantity)
    outs = [(batch, _quantity(qty)) for batch, qty in allocations]
    if reserved_qty < 0 or any(qty <= 0 for _batch, qty in outs) or not outs:
        raise ApplicationError(_("Quantities must be positive."), code="invalid_quantity")
    level = _locked_level(product, warehouse)
    if reserved_qty > level.reserved:
        raise ApplicationError(
            _("Only %(qty)s is reserved.") % {"qty": level.reserved}, code="reservation_mismatch"
        )
    total_out = sum((qty for _batch, qty in outs), Decimal("0"))
    free = level.on_hand - (level.reserved - reserved_qty)
    if total_out > free:
        raise InsufficientStock(
            _("Only %(qty)s of %(product)s is available (on hand less reserved).")
            % {"qty": free, "product": product.sku},
            available=free,
        )
    if reserved_qty:
        ReservationMove.objects.create(
            product=product,
            warehouse=warehouse,
            quantity=-reserved_qty,
            reference=reference,
            created_by=user,
        )
    moves = []
    for batch, qty in outs:
        if batch.product_id != product.pk:
            raise ApplicationError(
                _("Batch %(batch)s is not %(product)s.")
                % {"batch": batch.number, "product": product.name},
                code="batch_mismatch",
            )
        batch_level = _locked_batch_level(product, warehouse, batch)
        if qty > batch_level.on_hand:
            raise InsufficientStock(
                _("Only %(qty)s of batch %(batch)s is on hand.")
                % {"qty": batch_level.on_hand, "batch": batch.number},
                available=batch_level.on_hand,
            )
        moves.append(
            StockMove.objects.create(
                kind=MoveKind.DISPATCH,
                product=product,
                warehouse=warehouse,
                batch=batch,
                quantity=-qty,
                reference=reference,
                created_by=user,
            )
        )
        BatchLevel.objects.filter(pk=batch_level.pk).update(on_hand=F("on_hand") - qty)
    StockLevel.objects.filter(pk=level.pk).update(
        on_hand=F("on_hand") - total_out, reserved=F("reserved") - reserved_qty
    )
    return moves


@transaction.atomic
def production_receipt_record(
    *,
    product: Product,
    warehouse: Warehouse,
    batch_number: str,
    produced_on: dt.date,
    quantity,
    user,
    note: str = "",
) -> StockMove:
    """Finished goods into stock (产成品入库), creating the batch if it is new."""
    if not user.has_perm("inventory.record_production_receipt"):
        raise PermissionDenied
    if not product.active:
        raise ApplicationError(_("This product is no longer active."), code="product_inactive")
    if not warehouse.active:
        raise ApplicationError(_("This warehouse is closed."), code="warehouse_inactive")
    batch_number = (batch_number or "").strip()
    if not batch_number:
        raise ApplicationError(_("Enter the batch number."), code="batch_required")
    if _quantity(quantity) <= 0:
        raise ApplicationError(_("The quantity must be positive."), code="invalid_quantity")
    batch, created = Batch.objects.get_or_create(
        product=product, number=batch_number, defaults={"produced_on": produced_on}
    )
    if not created and batch.produced_on != produced_on:
        raise ApplicationError(
            _("Batch %(batch)s was produced on %(date)s, not on the date entered.")
            % {"batch": batch_number, "date": batch.produced_on},
            code="batch_date_mismatch",
        )
    return stock_move_record(
        kind=MoveKind.PRODUCTION_RECEIPT,
        product=product,
        warehouse=warehouse,
        batch=batch,
        quantity=quantity,
        user=user,
        reference=batch_number,
        note=note,
    )


@transaction.atomic
def stock_adjust(
    *, product: Product, warehouse: Warehouse, batch: Batch, quantity, user, reason: str
) -> StockMove:
    """A manager's correction after a count: a new signed move, never an edit."""
    if not user.has_perm("inventory.adjust_stock"):
        raise PermissionDenied
    if not (reason or "").strip():
        raise ApplicationError(_("Give a reason for the adjustment."), code="reason_required")
    return stock_move_record(
        kind=MoveKind.ADJUSTMENT,
        product=product,
        warehouse=warehouse,
        batch=batch,
        quantity=quantity,
        user=user,
        note=reason,
    )


@transaction.atomic
def stock_reserve(
    *, product: Product, warehouse: Warehouse, quantity, reference: str, user
) -> StockLevel:
    """Reserve stock for a delivery note; refused beyond available (严禁超发)."""
    return _reserve(
        product=product, warehouse=warehouse, quantity=quantity, reference=reference, user=user
    )


@transaction.atomic
def stock_reserve_many(
    *, warehouse: Warehouse, items: list[tuple[Product, Decimal]], reference: str, user
) -> None:
    """Reserve several products at once (a note's lines), in product id order."""
    for product, quantity in sorted(items, key=lambda item: item[0].pk):
        _reserve(
            product=product, warehouse=warehouse, quantity=quantity, reference=reference, user=user
        )


def _reserve(*, product: Product, warehouse: Warehouse, quantity, reference: str, user):
    qty = _quantity(quantity)
    if qty <= 0:
        raise ApplicationError(_("The quantity must be positive."), code="invalid_quantity")
    level = _locked_level(product, warehouse)
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
    ReservationMove.objects.create(
        product=product, warehouse=warehouse, quantity=qty, reference=reference, created_by=user
    )
    StockLevel.objects.filter(pk=level.pk).update(reserved=F("reserved") + qty)
    level.reserved += qty  # the row is locked: this is what the update wrote
    return level


@transaction.atomic
def stock_release(
    *, product: Product, warehouse: Warehouse, quantity, reference: str, user
) -> StockLevel:
    """Give back a reservation (a note cancelled or expired)."""
    return _release(
        product=product, warehouse=warehouse, quantity=quantity, reference=reference, user=user
    )


@transaction.atomic
def stock_release_many(
    *, warehouse: Warehouse, items: list[tuple[Product, Decimal]], reference: str, user
) -> None:
    for product, quantity in sorted(items, key=lambda item: item[0].pk):
        _release(
            product=product, warehouse=warehouse, quantity=quantity, reference=reference, user=user
        )


def _release(*, product: Product, warehouse: Warehouse, quantity, reference: str, user):
    qty = _quantity(quantity)
    if qty <= 0:
        raise ApplicationError(_("The quantity must be positive."), code="invalid_quantity")
    level = _locked_level(product, warehouse)
    if qty > level.reserved:
        raise ApplicationError(
            _("Only %(qty)s is reserved.") % {"qty": level.reserved}, code="reservation_mismatch"
        )
    ReservationMove.objects.create(
        product=product, warehouse=warehouse, quantity=-qty, reference=reference, created_by=user
    )
    StockLevel.objects.filter(pk=level.pk).update(reserved=F("reserved") - qty)
    level.reserved -= qty  # the row is locked: this is what the update wrote
    return level
