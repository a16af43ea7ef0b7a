"""salesadmin.db.RowRead: the hot locks' written-out statement reads what the ORM
reads (every field, converted the same way, with its relations) and locks the row."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from customers.models import Customer
from inventory.models import Warehouse
from orders.models import DeliveryNote, SalesOrder
from salesadmin.db import RowRead
from tests.factories import WarehouseFactory


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


@pytest.mark.django_db
def test_a_note_reads_as_the_orm_reads_it_with_its_relations(chain):
    note = chain.stamped()
    orm = DeliveryNote.objects.select_related("warehouse", "order", "customer").get(pk=note.pk)
    reader = RowRead(DeliveryNote, related=("warehouse", "order", "customer"))
    with CaptureQueriesContext(connection) as queries:
        read = reader.get(note.pk)
        # The relations come from the same statement: reading them asks nothing more.
        related = (read.warehouse, read.order, read.customer)
    assert len(queries) == 1
    assert _fields(read) == _fields(orm)
    assert [_fields(r) for r in related] == [
        _fields(orm.warehouse),
        _fields(orm.order),
        _fields(orm.customer),
    ]
    # The FSM's optimistic lock knows the state it was read in: a save goes through.
    read.save()


@pytest.mark.django_db
def test_json_fields_are_converted_as_the_orm_converts_them(chain):
    order = chain.order()
    SalesOrder.objects.filter(pk=order.pk).update(approval_reasons=["over_credit", "low_price"])
    read = RowRead(SalesOrder, related=("customer",)).get(order.pk)
    assert read.approval_reasons == ["over_credit", "low_price"]
    assert _fields(read) == _fields(SalesOrder.objects.get(pk=order.pk))


@pytest.mark.django_db
def test_an_empty_relation_reads_as_none_and_a_set_one_as_its_row():
    main = WarehouseFactory()
    holding = WarehouseFactory(holds_for=main)
    reader = RowRead(Warehouse, related=("holds_for",))
    assert reader.get(main.pk).holds_for is None
    assert _fields(reader.get(holding.pk).holds_for) == _fields(main)


@pytest.mark.django_db
def test_through_reads_the_row_another_row_points_at(chain):
    note = chain.note()
    customer = RowRead(Customer, through=(DeliveryNote, "customer")).get(note.pk)
    assert customer.pk == note.customer_id


@pytest.mark.django_db
def test_by_other_fields_and_nothing_found(chain):
    note = chain.stamped()
    by_code = RowRead(DeliveryNote, by=("pass_code",))
    assert by_code.first(note.pass_code).pk == note.pk
    assert by_code.first("NOSUCHXX") is None
    with pytest.raises(DeliveryNote.DoesNotExist):
        RowRead(DeliveryNote).get(note.pk + 10_000)


@pytest.mark.django_db(transaction=True)
def test_a_locked_read_holds_the_row_until_its_transaction_ends(chain):
    note = chain.note()
    held, release = threading.Event(), threading.Event()

    def holder():
        try:
            with transaction.atomic():
                RowRead(DeliveryNote, lock=True).get(note.pk)
                held.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert held.wait(30)
        with transaction.atomic(), pytest.raises(DatabaseError):
            DeliveryNote.objects.select_for_update(nowait=True).get(pk=note.pk)
    finally:
        release.set()
        thread.join(30)
    with transaction.atomic():
        assert DeliveryNote.objects.select_for_update(nowait=True).get(pk=note.pk).pk == note.pk


@pytest.mark.django_db
def test_any_of_several_values_in_the_given_order(chain):
    from inventory.models import StockLevel

    levels = list(StockLevel.objects.order_by("product_id", "warehouse_id"))
    products = sorted({lv.product_id for lv in levels})[:2]
    reader = RowRead(
        StockLevel, by=("product__any", "warehouse__any"), order_by=("product", "warehouse")
    )
    wanted = [lv for lv in levels if lv.product_id in products]
    read = reader.all(products, sorted({lv.warehouse_id for lv in levels}))
    assert [_fields(lv) for lv in read] == [_fields(lv) for lv in wanted]
    assert len(wanted) >= 2
    assert reader.all([], []) == []
