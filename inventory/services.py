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
from inventory.signals import production_received
from salesadmin.db import RowRead, locked, update_rows
from salesadmin.decimal_input import parse_positive_quantity, parse_quantity
from salesadmin.errors import ApplicationError


class InsufficientStock(ApplicationError):
    def __init__(self, message: str, *, available: Decimal):
        super().__init__(message, code="insufficient_stock", extra={"available": str(available)})
        self.available = available


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


# The levels of some products in some warehouses, locked in the one lock order.
_LEVELS = RowRead(
    StockLevel,
    by=("product__any", "warehouse__any"),
    order_by=("product", "warehouse"),
    lock=True,
)


def _locked_levels(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], StockLevel]:
    """Lock the levels of (product id, warehouse id) pairs in one query, in
    product id order (the one lock order: levels by product, then batches),
    creating the missing ones first."""
    products = {p for p, _w in pairs}
    warehouses = {w for _p, w in pairs}

    def read():
        rows = _LEVELS.all(sorted(products), sorted(warehouses))
        return {(r.product_id, r.warehouse_id): r for r in rows}

    levels = read()
    missing = pairs - levels.keys()
    if missing:
        StockLevel.objects.bulk_create(
            [StockLevel(product_id=p, warehouse_id=w) for p, w in missing], ignore_conflicts=True
        )
        levels = read()
    return levels


def _add_to(model, rows: dict[int, dict[str, Decimal]]) -> None:
    """One UPDATE adding per-row amounts to some columns: ``{pk: {column: delta}}``.

    The rows are locked by the caller, so this writes what the caller checked."""
    update_rows(model, rows, add=True, missing=Decimal("0"))


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
    qty = parse_quantity(quantity)
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
    """Goods onto a truck against their note's reservation (see stock_dispatch_many)."""
    return stock_dispatch_many(lines=[kwargs])[0]


@transaction.atomic
def stock_dispatch_many(*, lines: list[dict]) -> list[list[StockMove]]:
    """Goods onto a truck against the reservation of their delivery note.

    Each line: ``product``, ``warehouse``, ``reserved_quantity`` (what the note
    reserved), ``allocations`` [(batch, quantity)] (what leaves, per batch; may
    differ from the note: weighbridge), ``reference``, ``user``. The reservation
    is released and the stock moved out under the levels' locks, so others'
    reservations stay untouched and nothing goes negative. Set-based: the locks,
    ledger rows and level updates of all lines take a few statements, not a few
    per line. Returns each line's moves.
    """
    plans = []
    for line in lines:
        reserved_qty = parse_quantity(line["reserved_quantity"])
        outs = [(batch, parse_quantity(qty)) for batch, qty in line["allocations"]]
        if reserved_qty < 0 or any(qty <= 0 for _batch, qty in outs) or not outs:
            raise ApplicationError(_("Quantities must be positive."), code="invalid_quantity")
        product = line["product"]
        for batch, _qty in outs:
            if batch.product_id != product.pk:
                raise ApplicationError(
                    _("Batch %(batch)s is not %(product)s.")
                    % {"batch": batch.number, "product": product.name},
                    code="batch_mismatch",
                )
        plans.append((line, product, line["warehouse"], reserved_qty, outs))

    levels = _locked_levels({(product.pk, wh.pk) for _l, product, wh, _r, _o in plans})
    batch_keys = sorted(
        {
            (product.pk, wh.pk, batch.pk)
            for _l, product, wh, _r, outs in plans
            for batch, _q in outs
        },
        key=lambda key: key[2],
    )
    batch_levels = {
        (b.product_id, b.warehouse_id, b.batch_id): b
        for b in locked(BatchLevel.objects)
        .filter(batch_id__any=[key[2] for key in batch_keys])
        .order_by("batch_id", "warehouse_id")
    }

    # Check everything against the locked rows before writing anything.
    level_delta: dict[int, dict[str, Decimal]] = {}
    batch_delta: dict[int, dict[str, Decimal]] = {}
    for _line, product, warehouse, reserved_qty, outs in plans:
        level = levels[(product.pk, warehouse.pk)]
        delta = level_delta.setdefault(level.pk, {"on_hand": Decimal(0), "reserved": Decimal(0)})
        still_reserved = level.reserved + delta["reserved"]
        if reserved_qty > still_reserved:
            raise ApplicationError(
                _("Only %(qty)s is reserved.") % {"qty": still_reserved},
                code="reservation_mismatch",
            )
        total_out = sum((qty for _batch, qty in outs), Decimal("0"))
        on_hand = level.on_hand + delta["on_hand"]
        free = on_hand - (still_reserved - reserved_qty)
        if total_out > free:
            raise InsufficientStock(
                _("Only %(qty)s of %(product)s is available (on hand less reserved).")
                % {"qty": free, "product": product.sku},
                available=free,
            )
        delta["on_hand"] -= total_out
        delta["reserved"] -= reserved_qty
        for batch, qty in outs:
            batch_level = batch_levels.get((product.pk, warehouse.pk, batch.pk))
            taken = (
                batch_delta.setdefault(batch_level.pk, {"on_hand": Decimal(0)})
                if batch_level
                else None
            )
            batch_on_hand = (
                (batch_level.on_hand + taken["on_hand"]) if batch_level else Decimal("0")
            )
            if qty > batch_on_hand:
                raise InsufficientStock(
                    _("Only %(qty)s of batch %(batch)s is on hand.")
                    % {"qty": batch_on_hand, "batch": batch.number},
                    available=batch_on_hand,
                )
            taken["on_hand"] -= qty

    ReservationMove.objects.bulk_create(
        [
            ReservationMove(
                product=product,
                warehouse=warehouse,
                quantity=-reserved_qty,
                reference=line["reference"],
                created_by=line["user"],
            )
            for line, product, warehouse, reserved_qty, _outs in plans
            if reserved_qty
        ]
    )
    moves = StockMove.objects.bulk_create(
        [
            StockMove(
                kind=MoveKind.DISPATCH,
                product=product,
                warehouse=warehouse,
                batch=batch,
                quantity=-qty,
                reference=line["reference"],
                created_by=line["user"],
            )
            for line, product, warehouse, _r, outs in plans
            for batch, qty in outs
        ]
    )
    _add_to(BatchLevel, batch_delta)
    _add_to(StockLevel, level_delta)
    per_line, position = [], 0
    for _line, _product, _warehouse, _r, outs in plans:
        per_line.append(moves[position : position + len(outs)])
        position += len(outs)
    return per_line


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
    quantity = parse_positive_quantity(quantity)
    batch, created = Batch.objects.get_or_create(
        product=product, number=batch_number, defaults={"produced_on": produced_on}
    )
    if not created and batch.produced_on != produced_on:
        raise ApplicationError(
            _("Batch %(batch)s was produced on %(date)s, not on the date entered.")
            % {"batch": batch_number, "date": batch.produced_on},
            code="batch_date_mismatch",
        )
    move = stock_move_record(
        kind=MoveKind.PRODUCTION_RECEIPT,
        product=product,
        warehouse=warehouse,
        batch=batch,
        quantity=quantity,
        user=user,
        reference=batch_number,
        note=note,
    )
    production_received.send(sender=StockMove, move=move, user=user)
    return move


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


def held_location_of(warehouse: Warehouse) -> Warehouse:
    """The warehouse's held location (created the first time goods go there)."""
    if warehouse.holds_for_id is not None:
        return warehouse
    held, _created = Warehouse.objects.get_or_create(
        holds_for=warehouse,
        defaults={
            "code": f"{warehouse.code}-HOLD"[:20],
            "name": _("%(warehouse)s (held)") % {"warehouse": warehouse.name},
        },
    )
    return held


@transaction.atomic
def stock_return_receive(
    *,
    product: Product,
    warehouse: Warehouse,
    batch: Batch,
    quantity,
    saleable: bool,
    user,
    reference: str,
    note: str = "",
) -> StockMove:
    """退货入库: returned goods back into the ledger as a return move, into the
    warehouse itself when saleable, else into its held location."""
    target = warehouse if saleable else held_location_of(warehouse)
    return stock_move_record(
        kind=MoveKind.RETURN,
        product=product,
        warehouse=target,
        batch=batch,
        quantity=quantity,
        user=user,
        reference=reference,
        note=note,
    )
