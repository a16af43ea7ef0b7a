"""Input the stock service refuses with a clear domain error, never a 500."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inventory.enums import MoveKind
from inventory.models import StockLevel, StockMove
from inventory.reservations import stock_reserve
from inventory.services import stock_dispatch, stock_move_record
from salesadmin.errors import ApplicationError


def _move(product, warehouse, batch, user, **overrides):
    args = {
        "kind": MoveKind.ADJUSTMENT,
        "product": product,
        "warehouse": warehouse,
        "batch": batch,
        "quantity": Decimal("1"),
        "user": user,
    }
    args.update(overrides)
    return stock_move_record(**args)


@pytest.mark.parametrize("quantity", [True, 1.5])
def test_bool_and_float_quantities_are_refused(product, warehouse, batch, keeper, quantity):
    with pytest.raises(ApplicationError) as exc:
        _move(product, warehouse, batch, keeper, quantity=quantity)
    assert exc.value.code == "invalid_quantity"
    assert not StockMove.objects.exists()


def test_unknown_kind_is_refused_before_the_database(product, warehouse, batch, keeper):
    with pytest.raises(ApplicationError) as exc:
        _move(product, warehouse, batch, keeper, kind="gift")
    assert exc.value.code == "invalid_kind"


@pytest.mark.parametrize("quantity", ["0", "-2"])
def test_a_dispatch_against_a_reservation_takes_positive_quantities(
    product, warehouse, batch, keeper, clerk, receive, quantity
):
    receive(product, warehouse, batch, "5")
    stock_reserve(product=product, warehouse=warehouse, quantity=2, reference="DN", user=clerk)
    with pytest.raises(ApplicationError) as exc:
        stock_dispatch(
            product=product,
            warehouse=warehouse,
            reserved_quantity=Decimal("2"),
            allocations=[(batch, Decimal(quantity))],
            reference="DN",
            user=keeper,
        )
    assert exc.value.code == "invalid_quantity"
    level = StockLevel.objects.get(product=product, warehouse=warehouse)
    assert (level.on_hand, level.reserved) == (Decimal("5"), Decimal("2"))
    assert not StockMove.objects.filter(kind=MoveKind.DISPATCH).exists()
