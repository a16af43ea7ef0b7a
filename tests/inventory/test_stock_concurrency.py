"""Stock under parallel load, on PostgreSQL with real threads.

Each thread has its own database connection and transaction; a barrier starts
them together so that they really contend for the same stock level row.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum

from inventory.enums import MoveKind
from inventory.models import Batch, BatchLevel, ReservationMove, StockLevel, StockMove
from inventory.reservations import stock_reserve
from inventory.services import (
    production_receipt_record,
    stock_adjust,
    stock_dispatch,
    stock_move_record,
)
from tests import racing
from tests.inventory.levels import batch_on_hand, level_of
from tests.racing import errors, tally

# Real commits, so the threads see each other's row locks. The flush after each
# test re-sends post_migrate, which re-creates the role groups.
pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 16
ON_HAND = Decimal("10")


def run_together(work, n: int = THREADS):
    return racing.run_together(work, n)


@pytest.fixture
def stocked(product, warehouse, batch, receive):
    receive(product, warehouse, batch, ON_HAND)
    return product, warehouse, batch


def test_parallel_reservations_never_exceed_available(stocked, clerk):
    product, warehouse, _batch = stocked

    outcomes = run_together(
        lambda i: stock_reserve(
            product=product, warehouse=warehouse, quantity=1, reference=f"DN-{i}", user=clerk
        )
    )

    assert errors(outcomes) == []
    assert tally(outcomes) == {"ok": 10, "insufficient": 6}
    level = level_of(product, warehouse)
    assert (level.on_hand, level.reserved) == (ON_HAND, Decimal("10"))
    assert ReservationMove.objects.count() == 10
    assert ReservationMove.objects.aggregate(s=Sum("quantity"))["s"] == Decimal("10")


def _dispatch_as_keeper(product, warehouse, batch, keeper):
    def work(i):
        return stock_move_record(
            kind=MoveKind.DISPATCH,
            product=product,
            warehouse=warehouse,
            batch=batch,
            quantity=-1,
            user=keeper,
            reference=f"DN-{i}",
        )

    return work


def _adjust_as_manager(product, warehouse, batch, manager):
    def work(i):
        # A user of the thread's own: the permission cache is per instance.
        user = get_user_model().objects.get(pk=manager.pk)
        return stock_adjust(
            product=product,
            warehouse=warehouse,
            batch=batch,
            quantity=-1,
            user=user,
            reason=f"count {i}",
        )

    return work


@pytest.mark.parametrize(
    ("make_work", "persona", "kind"),
    [
        pytest.param(_dispatch_as_keeper, "keeper", MoveKind.DISPATCH, id="dispatch"),
        pytest.param(_adjust_as_manager, "manager", MoveKind.ADJUSTMENT, id="adjustment"),
    ],
)
def test_parallel_takes_never_drive_stock_negative(request, stocked, make_work, persona, kind):
    product, warehouse, batch = stocked
    work = make_work(product, warehouse, batch, request.getfixturevalue(persona))

    outcomes = run_together(work)

    assert errors(outcomes) == []
    assert tally(outcomes) == {"ok": 10, "insufficient": 6}
    assert level_of(product, warehouse).on_hand == Decimal("0")
    assert batch_on_hand(product, warehouse, batch) == Decimal("0")
    assert StockMove.objects.filter(kind=kind).count() == 10


def test_parallel_reservations_and_free_dispatches_share_the_same_stock(stocked, clerk, keeper):
    # Given 10 on hand, 8 clerks reserve 1 and 8 keepers dispatch 1 at the same time
    product, warehouse, batch = stocked
    dispatch = _dispatch_as_keeper(product, warehouse, batch, keeper)

    def work(i):
        if i % 2:
            return dispatch(i)
        return stock_reserve(
            product=product, warehouse=warehouse, quantity=1, reference=f"DN-{i}", user=clerk
        )

    outcomes = run_together(work)

    # Then exactly the 10 units were handed out, whichever way
    assert errors(outcomes) == []
    assert tally(outcomes) == {"ok": 10, "insufficient": 6}
    dispatched = StockMove.objects.filter(kind=MoveKind.DISPATCH).count()
    reserved = ReservationMove.objects.count()
    assert dispatched + reserved == 10
    level = level_of(product, warehouse)
    assert level.on_hand == ON_HAND - dispatched
    assert level.reserved == reserved
    assert level.available == Decimal("0")


def test_parallel_dispatches_consume_reservations_exactly_once(stocked, clerk, keeper):
    # Given all 10 units reserved
    product, warehouse, batch = stocked
    stock_reserve(product=product, warehouse=warehouse, quantity=10, reference="DN", user=clerk)

    # When 16 dispatches each try to consume one reserved unit
    outcomes = run_together(
        lambda i: stock_dispatch(
            product=product,
            warehouse=warehouse,
            reserved_quantity=1,
            allocations=[(batch, 1)],
            reference="DN",
            user=keeper,
        )
    )

    # Then 10 go out and 6 find nothing left to release
    assert errors(outcomes) == []
    assert tally(outcomes) == {"ok": 10, "refused": 6}
    assert {exc.code for kind, exc in outcomes if kind == "refused"} == {"reservation_mismatch"}
    level = level_of(product, warehouse)
    assert (level.on_hand, level.reserved) == (Decimal("0"), Decimal("0"))


def test_parallel_first_receipts_of_a_new_batch_create_it_once(product, warehouse, keeper):
    # Nothing exists yet: every thread races to create the batch and both levels.
    def work(i):
        user = get_user_model().objects.get(pk=keeper.pk)
        return production_receipt_record(
            product=product,
            warehouse=warehouse,
            batch_number="20260302-01",
            produced_on=dt.date(2026, 3, 2),
            quantity=Decimal("1.5"),
            user=user,
        )

    outcomes = run_together(work)

    assert errors(outcomes) == []
    assert tally(outcomes) == {"ok": THREADS}
    assert Batch.objects.count() == 1
    assert StockLevel.objects.count() == 1
    assert BatchLevel.objects.count() == 1
    assert level_of(product, warehouse).on_hand == Decimal("1.5") * THREADS
