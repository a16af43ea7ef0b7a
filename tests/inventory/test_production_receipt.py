"""Production receipt (产成品入库): finished goods into stock, batch by batch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from inventory.enums import MoveKind
from inventory.models import Batch, StockMove
from inventory.services import production_receipt_record
from salesadmin.errors import ApplicationError
from tests.factories import ProductFactory, WarehouseFactory
from tests.inventory.levels import batch_on_hand, level_of

pytestmark = pytest.mark.django_db

PRODUCED_ON = dt.date(2026, 3, 2)


@pytest.fixture
def record(product, warehouse):
    def do(user, **overrides):
        kwargs = {
            "product": product,
            "warehouse": warehouse,
            "batch_number": "20260302-01",
            "produced_on": PRODUCED_ON,
            "quantity": Decimal("120.5"),
            "user": user,
        }
        kwargs.update(overrides)
        return production_receipt_record(**kwargs)

    return do


def _nothing_recorded():
    return not StockMove.objects.exists() and not Batch.objects.exists()


@pytest.mark.parametrize("persona", ["keeper", "manager"])
def test_keeper_or_manager_records_a_receipt_and_its_batch(
    request, record, product, warehouse, persona
):
    user = request.getfixturevalue(persona)

    move = record(user, note="night shift")

    batch = Batch.objects.get()
    assert (batch.product, batch.number, batch.produced_on) == (
        product,
        "20260302-01",
        PRODUCED_ON,
    )
    assert (move.kind, move.quantity, move.batch, move.created_by, move.note) == (
        MoveKind.PRODUCTION_RECEIPT,
        Decimal("120.5"),
        batch,
        user,
        "night shift",
    )
    assert move.reference == "20260302-01"
    assert level_of(product, warehouse).on_hand == Decimal("120.5")
    assert batch_on_hand(product, warehouse, batch) == Decimal("120.5")


@pytest.mark.parametrize("persona", ["guard", "finance", "clerk"])
def test_refused_to_other_roles(request, record, persona):
    with pytest.raises(PermissionDenied):
        record(request.getfixturevalue(persona))

    assert _nothing_recorded()


def test_a_second_receipt_adds_to_the_same_batch(record, keeper, product, warehouse):
    record(keeper, quantity=Decimal("100"))

    record(keeper, quantity=Decimal("20"), batch_number=" 20260302-01 ")

    batch = Batch.objects.get()
    assert StockMove.objects.filter(batch=batch).count() == 2
    assert batch_on_hand(product, warehouse, batch) == Decimal("120")


def test_same_batch_number_with_another_production_date_is_refused(
    record, keeper, product, warehouse
):
    record(keeper, quantity=Decimal("100"))

    with pytest.raises(ApplicationError) as exc:
        record(keeper, quantity=Decimal("20"), produced_on=PRODUCED_ON + dt.timedelta(days=1))

    assert exc.value.code == "batch_date_mismatch"
    assert Batch.objects.get().produced_on == PRODUCED_ON
    assert StockMove.objects.count() == 1
    assert level_of(product, warehouse).on_hand == Decimal("100")


def test_same_batch_number_for_another_product_is_a_different_batch(record, keeper):
    record(keeper)
    other_product = ProductFactory()

    record(keeper, product=other_product, produced_on=PRODUCED_ON + dt.timedelta(days=1))

    assert Batch.objects.filter(number="20260302-01").count() == 2


def test_the_same_batch_may_be_received_into_two_warehouses(record, keeper, product, warehouse):
    other_warehouse = WarehouseFactory()

    record(keeper, quantity=Decimal("10"))
    record(keeper, quantity=Decimal("5"), warehouse=other_warehouse)

    batch = Batch.objects.get()
    assert batch_on_hand(product, warehouse, batch) == Decimal("10")
    assert batch_on_hand(product, other_warehouse, batch) == Decimal("5")


@pytest.mark.parametrize(
    ("inactive", "code"),
    [
        pytest.param("product", "product_inactive", id="inactive-product"),
        pytest.param("warehouse", "warehouse_inactive", id="closed-warehouse"),
    ],
)
def test_an_inactive_product_or_warehouse_is_refused(request, record, keeper, inactive, code):
    target = request.getfixturevalue(inactive)
    target.active = False
    target.save()

    with pytest.raises(ApplicationError) as exc:
        record(keeper)

    assert exc.value.code == code
    assert _nothing_recorded()


@pytest.mark.parametrize("batch_number", ["", "   "])
def test_batch_number_is_required(record, keeper, batch_number):
    with pytest.raises(ApplicationError) as exc:
        record(keeper, batch_number=batch_number)

    assert exc.value.code == "batch_required"
    assert _nothing_recorded()


@pytest.mark.parametrize(
    "quantity",
    [
        pytest.param(Decimal("0"), id="zero"),
        pytest.param(Decimal("-5"), id="negative"),
        pytest.param(Decimal("1.2345"), id="four decimals"),
        pytest.param("0.0001", id="four decimals as text"),
        pytest.param("abc", id="not a number"),
        pytest.param("NaN", id="NaN"),
        pytest.param("Infinity", id="infinity"),
        # Too large to store must come back as a form error, not a server error:
        # numeric(14, 3) holds at most 99,999,999,999.999.
        pytest.param("100000000000", id="one more digit than the column"),
        pytest.param("1e30", id="beyond decimal precision"),
    ],
)
def test_invalid_quantity_is_refused(record, keeper, quantity):
    with pytest.raises(ApplicationError) as exc:
        record(keeper, quantity=quantity)

    assert exc.value.code == "invalid_quantity"
    assert _nothing_recorded()


def test_three_decimals_are_accepted(record, keeper, product, warehouse):
    record(keeper, quantity="0.001")

    assert level_of(product, warehouse).on_hand == Decimal("0.001")
