"""The levels are kept in step with the ledgers: after any mix of moves, every
level equals the sum of its ledger, and both equal what the moves add up to."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from django.db.models import Sum

from inventory.enums import MoveKind
from inventory.models import BatchLevel, ReservationMove, StockLevel, StockMove
from inventory.reservations import stock_release, stock_reserve
from inventory.services import InsufficientStock, stock_adjust, stock_dispatch, stock_move_record
from tests.factories import BatchFactory, ProductFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

D = Decimal


def test_levels_equal_ledger_sums_after_a_mixed_sequence(keeper, clerk, manager):
    # Given two products, two warehouses and three batches
    oxygen, argon = ProductFactory(), ProductFactory()
    north, south = WarehouseFactory(), WarehouseFactory()
    ox1, ox2 = BatchFactory(product=oxygen), BatchFactory(product=oxygen)
    ar1 = BatchFactory(product=argon)

    # The expected figures are built from the moves as they are made, never
    # read back from the levels.
    on_hand: dict[tuple, Decimal] = defaultdict(Decimal)
    batch_on_hand: dict[tuple, Decimal] = defaultdict(Decimal)
    reserved: dict[tuple, Decimal] = defaultdict(Decimal)

    def move(kind, product, warehouse, batch, qty):
        qty = D(qty)
        stock_move_record(
            kind=kind,
            product=product,
            warehouse=warehouse,
            batch=batch,
            quantity=qty,
            user=keeper,
        )
        on_hand[product.pk, warehouse.pk] += qty
        batch_on_hand[product.pk, warehouse.pk, batch.pk] += qty

    def dispatch_reserved(product, warehouse, batch, qty):
        qty = D(qty)
        stock_dispatch(
            product=product,
            warehouse=warehouse,
            reserved_quantity=qty,
            allocations=[(batch, qty)],
            reference="DN",
            user=keeper,
        )
        on_hand[product.pk, warehouse.pk] -= qty
        batch_on_hand[product.pk, warehouse.pk, batch.pk] -= qty
        reserved[product.pk, warehouse.pk] -= qty

    def adjust(product, warehouse, batch, qty):
        stock_adjust(
            product=product,
            warehouse=warehouse,
            batch=batch,
            quantity=D(qty),
            user=manager,
            reason="count",
        )
        on_hand[product.pk, warehouse.pk] += D(qty)
        batch_on_hand[product.pk, warehouse.pk, batch.pk] += D(qty)

    def reserve(product, warehouse, qty):
        stock_reserve(
            product=product, warehouse=warehouse, quantity=D(qty), reference="DN", user=clerk
        )
        reserved[product.pk, warehouse.pk] += D(qty)

    def release(product, warehouse, qty):
        stock_release(
            product=product, warehouse=warehouse, quantity=D(qty), reference="DN", user=clerk
        )
        reserved[product.pk, warehouse.pk] -= D(qty)

    # When receipts, adjustments, reservations, dispatches and returns follow
    # one another across warehouses and batches
    move(MoveKind.PRODUCTION_RECEIPT, oxygen, north, ox1, "100")
    move(MoveKind.PRODUCTION_RECEIPT, oxygen, north, ox2, "40.5")
    move(MoveKind.PRODUCTION_RECEIPT, oxygen, south, ox1, "25")
    move(MoveKind.PRODUCTION_RECEIPT, argon, north, ar1, "12.250")
    adjust(oxygen, north, ox1, "-3")
    adjust(oxygen, south, ox1, "2.125")
    reserve(oxygen, north, "60")
    reserve(argon, north, "12.25")
    dispatch_reserved(oxygen, north, ox1, "50")
    move(MoveKind.DISPATCH, oxygen, north, ox2, "-10")  # from free stock
    release(argon, north, "2.25")
    dispatch_reserved(argon, north, ar1, "10")
    move(MoveKind.RETURN, oxygen, north, ox1, "4")
    move(MoveKind.RETURN, argon, north, ar1, "0.5")
    reserve(oxygen, south, "27.125")
    dispatch_reserved(oxygen, south, ox1, "27.125")
    adjust(oxygen, north, ox2, "0.001")
    release(oxygen, north, "10")
    # A refused move must leave no trace in either ledger or level.
    with pytest.raises(InsufficientStock):
        move(MoveKind.DISPATCH, argon, north, ar1, "-2.751")

    # Then every level is its ledger's sum, and both are what the moves add up to
    assert set(StockLevel.objects.values_list("product_id", "warehouse_id")) == set(on_hand)
    for level in StockLevel.objects.all():
        key = level.product_id, level.warehouse_id
        moves = StockMove.objects.filter(product_id=key[0], warehouse_id=key[1])
        reservations = ReservationMove.objects.filter(product_id=key[0], warehouse_id=key[1])
        assert level.on_hand == moves.aggregate(s=Sum("quantity"))["s"] == on_hand[key], key
        assert (
            level.reserved == (reservations.aggregate(s=Sum("quantity"))["s"] or 0) == reserved[key]
        ), key

    assert set(BatchLevel.objects.values_list("product_id", "warehouse_id", "batch_id")) == set(
        batch_on_hand
    )
    for batch_level in BatchLevel.objects.all():
        key = batch_level.product_id, batch_level.warehouse_id, batch_level.batch_id
        moves = StockMove.objects.filter(product_id=key[0], warehouse_id=key[1], batch_id=key[2])
        assert (
            batch_level.on_hand == moves.aggregate(s=Sum("quantity"))["s"] == batch_on_hand[key]
        ), key

    # And a few figures spelled out, as a check on the bookkeeping above
    assert on_hand[oxygen.pk, north.pk] == D("81.501")  # 100 + 40.5 - 3 - 50 - 10 + 4 + 0.001
    assert reserved[oxygen.pk, north.pk] == D("0")  # 60 - 50 - 10
    assert on_hand[oxygen.pk, south.pk] == D("0")
    assert on_hand[argon.pk, north.pk] == D("2.750")
    assert batch_on_hand[oxygen.pk, north.pk, ox2.pk] == D("30.501")
