"""The database itself refuses impossible stock, whatever code runs against it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from inventory.enums import MoveKind
from inventory.models import BatchLevel, ReservationMove, StockLevel, StockMove
from tests.inventory.levels import level_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(product, warehouse, batch, receive):
    receive(product, warehouse, batch, 5)
    return product, warehouse, batch


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        pytest.param({"on_hand": Decimal("-1")}, "stock_on_hand_not_negative", id="on hand < 0"),
        pytest.param({"reserved": Decimal("-1")}, "stock_reserved_not_negative", id="reserved < 0"),
        pytest.param(
            {"reserved": F("on_hand") + Decimal("0.001")},
            "stock_reserved_within_on_hand",
            id="reserved > on hand",
        ),
        pytest.param(
            # 5 on hand, 0 reserved: taking on hand below reserved is the same breach.
            {"on_hand": Decimal("2"), "reserved": Decimal("3")},
            "stock_reserved_within_on_hand",
            id="on hand below reserved",
        ),
    ],
)
def test_stock_level_constraints(stocked, changes, constraint):
    product, warehouse, _batch = stocked
    level = level_of(product, warehouse)

    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        StockLevel.objects.filter(pk=level.pk).update(**changes)

    level.refresh_from_db()
    assert (level.on_hand, level.reserved) == (Decimal("5"), Decimal("0"))


def test_batch_level_cannot_go_negative(stocked):
    product, warehouse, batch = stocked
    batch_level = BatchLevel.objects.get(product=product, warehouse=warehouse, batch=batch)

    with pytest.raises(IntegrityError, match="batch_on_hand_not_negative"), transaction.atomic():
        BatchLevel.objects.filter(pk=batch_level.pk).update(on_hand=Decimal("-1"))

    batch_level.refresh_from_db()
    assert batch_level.on_hand == Decimal("5")


@pytest.mark.parametrize(
    ("kind", "qty"),
    [
        pytest.param(MoveKind.DISPATCH, Decimal("1"), id="dispatch +"),
        pytest.param(MoveKind.PRODUCTION_RECEIPT, Decimal("-1"), id="receipt -"),
        pytest.param(MoveKind.RETURN, Decimal("-1"), id="return -"),
        pytest.param(MoveKind.ADJUSTMENT, Decimal("0"), id="adjustment 0"),
        pytest.param(MoveKind.DISPATCH, Decimal("0"), id="dispatch 0"),
        pytest.param("gift", Decimal("1"), id="unknown kind"),
    ],
)
def test_stock_move_sign_must_match_its_kind(product, warehouse, batch, kind, qty):
    with pytest.raises(IntegrityError, match="stock_move_sign_matches_kind"), transaction.atomic():
        StockMove.objects.create(
            kind=kind, product=product, warehouse=warehouse, batch=batch, quantity=qty
        )

    assert not StockMove.objects.exists()


@pytest.mark.parametrize(
    ("kind", "qty"),
    [
        (MoveKind.DISPATCH, Decimal("-1")),
        (MoveKind.PRODUCTION_RECEIPT, Decimal("1")),
        (MoveKind.RETURN, Decimal("1")),
        (MoveKind.ADJUSTMENT, Decimal("1")),
        (MoveKind.ADJUSTMENT, Decimal("-1")),
    ],
)
def test_stock_move_with_the_right_sign_is_accepted(product, warehouse, batch, kind, qty):
    # The allowed side of the constraint above, so that it cannot refuse everything.
    StockMove.objects.create(
        kind=kind, product=product, warehouse=warehouse, batch=batch, quantity=qty
    )

    assert StockMove.objects.count() == 1


def test_reservation_move_cannot_be_zero(product, warehouse):
    with pytest.raises(IntegrityError, match="reservation_move_nonzero"), transaction.atomic():
        ReservationMove.objects.create(
            product=product, warehouse=warehouse, quantity=Decimal("0"), reference="DN-1"
        )


def test_one_stock_level_per_product_and_warehouse(stocked):
    product, warehouse, _batch = stocked

    with pytest.raises(IntegrityError, match="stock_level_unique"), transaction.atomic():
        StockLevel.objects.create(product=product, warehouse=warehouse)
