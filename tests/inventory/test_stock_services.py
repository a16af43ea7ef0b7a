"""Stock services: never negative, never beyond available (严禁超发)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from inventory.enums import MoveKind
from inventory.models import ReservationMove, StockMove
from inventory.reservations import stock_release, stock_reserve, stock_reserve_many
from inventory.services import (
    InsufficientStock,
    stock_adjust,
    stock_dispatch,
    stock_dispatch_many,
    stock_move_record,
)
from salesadmin.errors import ApplicationError
from tests.factories import BatchFactory, ProductFactory
from tests.inventory.levels import batch_on_hand, level_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(product, warehouse, batch, receive):
    """5 on hand of one batch."""
    receive(product, warehouse, batch, 5)
    return product, warehouse, batch


def _take_out(kind, product, warehouse, batch, qty, user, **kwargs):
    return stock_move_record(
        kind=kind,
        product=product,
        warehouse=warehouse,
        batch=batch,
        quantity=Decimal(qty),
        user=user,
        **kwargs,
    )


def _dispatch_reserved(product, warehouse, batch, qty, user, reference="DN-1"):
    """Goods leave against a note's reservation of ``qty``."""
    return stock_dispatch(
        product=product,
        warehouse=warehouse,
        reserved_quantity=Decimal(qty),
        allocations=[(batch, Decimal(qty))],
        reference=reference,
        user=user,
    )


def _reserve(product, warehouse, qty, user, reference="DN-1"):
    return stock_reserve(
        product=product, warehouse=warehouse, quantity=Decimal(qty), reference=reference, user=user
    )


def _release(product, warehouse, qty, user, reference="DN-1"):
    return stock_release(
        product=product, warehouse=warehouse, quantity=Decimal(qty), reference=reference, user=user
    )


class TestNeverNegative:
    def test_receipt_adds_to_level_batch_and_ledger(self, stocked, keeper):
        product, warehouse, batch = stocked

        level = level_of(product, warehouse)
        assert (level.on_hand, level.reserved) == (Decimal("5"), Decimal("0"))
        assert batch_on_hand(product, warehouse, batch) == Decimal("5")
        move = StockMove.objects.get()
        assert (move.kind, move.quantity, move.created_by) == (
            MoveKind.PRODUCTION_RECEIPT,
            Decimal("5"),
            keeper,
        )

    @pytest.mark.parametrize("kind", [MoveKind.ADJUSTMENT, MoveKind.DISPATCH])
    def test_taking_out_more_than_on_hand_is_refused(self, stocked, keeper, kind):
        product, warehouse, batch = stocked

        with pytest.raises(InsufficientStock) as exc:
            _take_out(kind, product, warehouse, batch, "-5.001", keeper)

        assert exc.value.code == "insufficient_stock"
        assert exc.value.available == Decimal("5")
        # Nothing moved: levels and ledger are as before.
        assert level_of(product, warehouse).on_hand == Decimal("5")
        assert batch_on_hand(product, warehouse, batch) == Decimal("5")
        assert StockMove.objects.count() == 1

    def test_taking_out_exactly_what_is_on_hand_is_allowed(self, stocked, keeper):
        product, warehouse, batch = stocked

        _take_out(MoveKind.DISPATCH, product, warehouse, batch, -5, keeper)

        assert level_of(product, warehouse).on_hand == Decimal("0")
        assert batch_on_hand(product, warehouse, batch) == Decimal("0")

    def test_manager_adjustment_below_zero_is_refused(self, stocked, manager):
        product, warehouse, batch = stocked

        with pytest.raises(InsufficientStock):
            stock_adjust(
                product=product,
                warehouse=warehouse,
                batch=batch,
                quantity=Decimal("-6"),
                user=manager,
                reason="count",
            )

        assert level_of(product, warehouse).on_hand == Decimal("5")
        assert StockMove.objects.count() == 1

    def test_a_batch_cannot_go_negative_even_when_the_warehouse_has_more(
        self, stocked, receive, keeper
    ):
        # Given 5 of batch A and 5 of batch B in the warehouse
        product, warehouse, batch_a = stocked
        batch_b = BatchFactory(product=product)
        receive(product, warehouse, batch_b, 5)

        # When 6 are dispatched from batch A
        with pytest.raises(InsufficientStock) as exc:
            _take_out(MoveKind.DISPATCH, product, warehouse, batch_a, -6, keeper)

        # Then the batch's own figure refuses it
        assert exc.value.available == Decimal("5")
        assert level_of(product, warehouse).on_hand == Decimal("10")
        assert batch_on_hand(product, warehouse, batch_a) == Decimal("5")

    def test_dispatch_from_an_empty_warehouse_is_refused(self, product, warehouse, batch, keeper):
        with pytest.raises(InsufficientStock):
            _take_out(MoveKind.DISPATCH, product, warehouse, batch, -1, keeper)

        assert not StockMove.objects.exists()

    @pytest.mark.parametrize(
        ("kind", "qty"),
        [
            (MoveKind.DISPATCH, 1),
            (MoveKind.PRODUCTION_RECEIPT, -1),
            (MoveKind.RETURN, -1),
            (MoveKind.ADJUSTMENT, 0),
            (MoveKind.DISPATCH, "0.0001"),
        ],
    )
    def test_sign_and_precision_are_checked(self, stocked, keeper, kind, qty):
        product, warehouse, batch = stocked

        with pytest.raises(ApplicationError) as exc:
            _take_out(kind, product, warehouse, batch, qty, keeper)

        assert exc.value.code == "invalid_quantity"
        assert StockMove.objects.count() == 1

    def test_a_batch_of_another_product_is_refused(self, stocked, keeper):
        product, warehouse, _batch = stocked
        foreign_batch = BatchFactory(product=ProductFactory())

        with pytest.raises(ApplicationError) as exc:
            _take_out(MoveKind.RETURN, product, warehouse, foreign_batch, 1, keeper)

        assert exc.value.code == "batch_mismatch"

    def test_adjustment_needs_a_manager_and_a_reason(self, stocked, keeper, manager):
        product, warehouse, batch = stocked
        args = {"product": product, "warehouse": warehouse, "batch": batch, "quantity": -1}

        with pytest.raises(PermissionDenied):
            stock_adjust(user=keeper, reason="count", **args)
        with pytest.raises(ApplicationError) as exc:
            stock_adjust(user=manager, reason=" ", **args)
        assert exc.value.code == "reason_required"
        assert level_of(product, warehouse).on_hand == Decimal("5")

        move = stock_adjust(user=manager, reason="broken cylinder", **args)

        assert (move.kind, move.quantity, move.note) == (
            MoveKind.ADJUSTMENT,
            Decimal("-1"),
            "broken cylinder",
        )
        assert level_of(product, warehouse).on_hand == Decimal("4")


class TestReservations:
    def test_reserving_beyond_available_is_refused(self, product, warehouse, batch, receive, clerk):
        # Given 10 received and 7 reserved
        receive(product, warehouse, batch, 10)
        level = _reserve(product, warehouse, 7, clerk, reference="DN-1")
        assert (level.on_hand, level.reserved, level.available) == (10, 7, 3)

        # When 4 more are asked for, only 3 are available
        with pytest.raises(InsufficientStock) as exc:
            _reserve(product, warehouse, 4, clerk, reference="DN-2")
        assert exc.value.available == Decimal("3")
        assert exc.value.extra == {"available": "3.000"}
        assert level_of(product, warehouse).reserved == Decimal("7")
        assert ReservationMove.objects.count() == 1

        # Then releasing 5 frees enough for the 4
        _release(product, warehouse, 5, clerk, reference="DN-1")
        level = _reserve(product, warehouse, 4, clerk, reference="DN-2")
        assert (level.on_hand, level.reserved) == (Decimal("10"), Decimal("6"))
        assert sorted(ReservationMove.objects.values_list("quantity", flat=True)) == [
            Decimal("-5"),
            Decimal("4"),
            Decimal("7"),
        ]

    def test_reserving_exactly_what_is_available_is_allowed(
        self, product, warehouse, batch, receive, clerk
    ):
        receive(product, warehouse, batch, 10)

        level = _reserve(product, warehouse, 10, clerk)

        assert level.available == Decimal("0")

    def test_reserving_where_nothing_was_ever_received_is_refused(self, product, warehouse, clerk):
        with pytest.raises(InsufficientStock) as exc:
            _reserve(product, warehouse, "0.001", clerk)

        assert exc.value.available == Decimal("0")

    @pytest.mark.parametrize("qty", [0, -1, "1.0001"])
    def test_reserve_quantity_must_be_positive_with_three_places(
        self, product, warehouse, batch, receive, clerk, qty
    ):
        receive(product, warehouse, batch, 10)

        with pytest.raises(ApplicationError) as exc:
            _reserve(product, warehouse, qty, clerk)

        assert exc.value.code == "invalid_quantity"
        assert level_of(product, warehouse).reserved == Decimal("0")

    def test_releasing_more_than_reserved_is_refused(
        self, product, warehouse, batch, receive, clerk
    ):
        receive(product, warehouse, batch, 10)
        _reserve(product, warehouse, 3, clerk)

        with pytest.raises(ApplicationError) as exc:
            _release(product, warehouse, "3.001", clerk)

        assert exc.value.code == "reservation_mismatch"
        assert level_of(product, warehouse).reserved == Decimal("3")
        assert ReservationMove.objects.count() == 1

    def test_a_free_dispatch_cannot_take_reserved_stock(
        self, product, warehouse, batch, receive, clerk, keeper
    ):
        # Given 10 on hand with 7 reserved for a delivery note
        receive(product, warehouse, batch, 10)
        _reserve(product, warehouse, 7, clerk)

        # When something else tries to dispatch 4 without a reservation
        with pytest.raises(InsufficientStock) as exc:
            _take_out(MoveKind.DISPATCH, product, warehouse, batch, -4, keeper)

        # Then only the 3 free units could have gone
        assert exc.value.available == Decimal("3")
        level = level_of(product, warehouse)
        assert (level.on_hand, level.reserved) == (Decimal("10"), Decimal("7"))

        _take_out(MoveKind.DISPATCH, product, warehouse, batch, -3, keeper)
        level = level_of(product, warehouse)
        assert (level.on_hand, level.reserved) == (Decimal("7"), Decimal("7"))

    def test_a_negative_adjustment_cannot_take_reserved_stock(
        self, product, warehouse, batch, receive, clerk, manager
    ):
        receive(product, warehouse, batch, 10)
        _reserve(product, warehouse, 7, clerk)

        with pytest.raises(InsufficientStock):
            stock_adjust(
                product=product,
                warehouse=warehouse,
                batch=batch,
                quantity=-4,
                user=manager,
                reason="count",
            )

        assert level_of(product, warehouse).on_hand == Decimal("10")

    def test_a_dispatch_consumes_its_own_reservation(
        self, product, warehouse, batch, receive, clerk, keeper
    ):
        # Given 10 on hand, 7 of them reserved for DN-1
        receive(product, warehouse, batch, 10)
        _reserve(product, warehouse, 7, clerk, reference="DN-1")

        # When DN-1 is dispatched against its reservation
        _dispatch_reserved(product, warehouse, batch, 7, keeper, reference="DN-1")

        # Then on hand and reserved both drop by 7, and the release is in the ledger
        level = level_of(product, warehouse)
        assert (level.on_hand, level.reserved) == (Decimal("3"), Decimal("0"))
        assert batch_on_hand(product, warehouse, batch) == Decimal("3")
        release = ReservationMove.objects.get(quantity__lt=0)
        assert (release.quantity, release.reference) == (Decimal("-7"), "DN-1")

    def test_a_dispatch_may_not_release_more_than_is_reserved(
        self, product, warehouse, batch, receive, clerk, keeper
    ):
        receive(product, warehouse, batch, 10)
        _reserve(product, warehouse, 2, clerk)

        with pytest.raises(ApplicationError) as exc:
            _dispatch_reserved(product, warehouse, batch, 3, keeper)

        assert exc.value.code == "reservation_mismatch"
        level = level_of(product, warehouse)
        assert (level.on_hand, level.reserved) == (Decimal("10"), Decimal("2"))

    def test_a_reserved_dispatch_still_needs_the_batch_on_hand(
        self, product, warehouse, batch, receive, clerk, keeper
    ):
        # Given 10 on hand split 2 / 8 over two batches, all 10 reserved
        receive(product, warehouse, batch, 2)
        other = BatchFactory(product=product)
        receive(product, warehouse, other, 8)
        _reserve(product, warehouse, 10, clerk)

        # When 3 are dispatched from the batch that has 2
        with pytest.raises(InsufficientStock) as exc:
            _dispatch_reserved(product, warehouse, batch, 3, keeper)

        assert exc.value.available == Decimal("2")
        assert level_of(product, warehouse).reserved == Decimal("10")


class TestSeveralLinesAtOnce:
    """A note's lines reserve and leave together; two lines of one product count
    together against what is available (the set-based path checks each line
    against what the earlier lines already took)."""

    def test_two_lines_of_one_product_cannot_reserve_more_than_available(self, stocked, clerk):
        product, warehouse, _batch = stocked
        with pytest.raises(InsufficientStock):
            stock_reserve_many(
                warehouse=warehouse,
                items=[(product, Decimal("3")), (product, Decimal("3"))],
                reference="DN-9",
                user=clerk,
            )
        assert level_of(product, warehouse).reserved == 0
        assert not ReservationMove.objects.filter(reference="DN-9").exists()

    def test_lines_of_several_products_reserve_and_dispatch_together(
        self, stocked, receive, clerk, keeper
    ):
        product, warehouse, batch = stocked
        other = ProductFactory()
        other_batch = BatchFactory(product=other)
        receive(other, warehouse, other_batch, 7)
        stock_reserve_many(
            warehouse=warehouse,
            items=[(product, Decimal("2")), (other, Decimal("7"))],
            reference="DN-5",
            user=clerk,
        )
        assert (level_of(product, warehouse).reserved, level_of(other, warehouse).reserved) == (
            Decimal("2"),
            Decimal("7"),
        )
        moves = stock_dispatch_many(
            lines=[
                {
                    "product": product,
                    "warehouse": warehouse,
                    "reserved_quantity": Decimal("2"),
                    "allocations": [(batch, Decimal("2.5"))],
                    "reference": "DN-5",
                    "user": keeper,
                },
                {
                    "product": other,
                    "warehouse": warehouse,
                    "reserved_quantity": Decimal("7"),
                    "allocations": [(other_batch, Decimal("7"))],
                    "reference": "DN-5",
                    "user": keeper,
                },
            ]
        )
        assert [[m.quantity for m in line] for line in moves] == [
            [Decimal("-2.5")],
            [Decimal("-7")],
        ]
        assert all(m.pk for line in moves for m in line)
        level, other_level = level_of(product, warehouse), level_of(other, warehouse)
        assert (level.on_hand, level.reserved) == (Decimal("2.5"), Decimal("0"))
        assert (other_level.on_hand, other_level.reserved) == (Decimal("0"), Decimal("0"))
        assert batch_on_hand(product, warehouse, batch) == Decimal("2.5")
        assert batch_on_hand(other, warehouse, other_batch) == Decimal("0")

    def test_two_allocations_of_one_batch_cannot_take_more_than_it_holds(
        self, stocked, clerk, keeper
    ):
        product, warehouse, batch = stocked
        _reserve(product, warehouse, 5, clerk, reference="DN-6")
        with pytest.raises(InsufficientStock):
            stock_dispatch_many(
                lines=[
                    {
                        "product": product,
                        "warehouse": warehouse,
                        "reserved_quantity": Decimal("2"),
                        "allocations": [(batch, Decimal("3")), (batch, Decimal("3"))],
                        "reference": "DN-6",
                        "user": keeper,
                    }
                ]
            )
        assert batch_on_hand(product, warehouse, batch) == Decimal("5")
        assert not StockMove.objects.filter(reference="DN-6").exists()

    def test_a_batch_never_received_in_the_warehouse_is_refused(self, stocked, clerk, keeper):
        product, warehouse, _batch = stocked
        empty_batch = BatchFactory(product=product)
        _reserve(product, warehouse, 1, clerk, reference="DN-7")
        with pytest.raises(InsufficientStock):
            stock_dispatch(
                product=product,
                warehouse=warehouse,
                reserved_quantity=Decimal("1"),
                allocations=[(empty_batch, Decimal("1"))],
                reference="DN-7",
                user=keeper,
            )
