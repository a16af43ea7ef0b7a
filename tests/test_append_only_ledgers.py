"""Ledgers are append-only: a database trigger refuses UPDATE and DELETE.

The trigger RAISEs with ERRCODE restrict_violation (SQLSTATE 23001), which
psycopg reports as RestrictViolation and Django as IntegrityError.
"""

from __future__ import annotations

from decimal import Decimal

import psycopg.errors
import pytest
from django.db import DatabaseError, IntegrityError, transaction

from customers.models import CreditChange
from inventory.enums import MoveKind
from inventory.models import ReservationMove, StockMove
from tests.factories import BatchFactory, CustomerFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


def _stock_move():
    batch = BatchFactory()
    return StockMove.objects.create(
        kind=MoveKind.PRODUCTION_RECEIPT,
        product=batch.product,
        warehouse=WarehouseFactory(),
        batch=batch,
        quantity=Decimal("5"),
        reference="B1",
    )


def _reservation_move():
    batch = BatchFactory()
    return ReservationMove.objects.create(
        product=batch.product, warehouse=WarehouseFactory(), quantity=Decimal("5"), reference="DN-1"
    )


def _credit_change():
    return CreditChange.objects.create(
        customer=CustomerFactory(), field="credit_limit", old_value="0.00", new_value="5.00"
    )


LEDGERS = [
    pytest.param(_stock_move, {"quantity": Decimal("50")}, id="StockMove"),
    pytest.param(_reservation_move, {"quantity": Decimal("50")}, id="ReservationMove"),
    pytest.param(_credit_change, {"new_value": "50000.00"}, id="CreditChange"),
]


def _assert_refused_by_trigger(excinfo, operation: str):
    assert isinstance(excinfo.value, IntegrityError)
    assert isinstance(excinfo.value, DatabaseError)
    assert isinstance(excinfo.value.__cause__, psycopg.errors.RestrictViolation)
    assert excinfo.value.__cause__.sqlstate == "23001"
    assert f"{operation} is not allowed" in str(excinfo.value)


@pytest.mark.parametrize(("make", "change"), LEDGERS)
def test_queryset_update_is_refused(make, change):
    row = make()
    model = type(row)

    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        model.objects.filter(pk=row.pk).update(**change)

    _assert_refused_by_trigger(excinfo, "UPDATE")
    field = next(iter(change))
    assert getattr(model.objects.get(pk=row.pk), field) == getattr(row, field)


@pytest.mark.parametrize(("make", "change"), LEDGERS)
def test_instance_save_is_refused(make, change):
    row = make()
    for field, value in change.items():
        setattr(row, field, value)

    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        row.save()

    _assert_refused_by_trigger(excinfo, "UPDATE")


@pytest.mark.parametrize(("make", "change"), LEDGERS)
def test_instance_delete_is_refused(make, change):
    row = make()

    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        row.delete()

    _assert_refused_by_trigger(excinfo, "DELETE")
    assert type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize(("make", "change"), LEDGERS)
def test_queryset_delete_is_refused(make, change):
    row = make()

    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        type(row).objects.all().delete()

    _assert_refused_by_trigger(excinfo, "DELETE")
    assert type(row).objects.filter(pk=row.pk).exists()


def test_appending_is_allowed():
    _stock_move()
    _reservation_move()
    _credit_change()

    assert StockMove.objects.count() == ReservationMove.objects.count() == 1
    assert CreditChange.objects.count() == 1
