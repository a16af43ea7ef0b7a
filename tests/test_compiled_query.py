"""salesadmin.db.CompiledQuery: SQL compiled once, rows as the queryset's own."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Q
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from orders.models import DeliveryNote, SalesOrder
from salesadmin.db import CompiledQuery, locked
from tests.racing import run_together

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_rows_are_the_querysets_own_for_every_id(chain):
    notes = [chain.note(), chain.note()]
    query = CompiledQuery(
        lambda pk: DeliveryNote.objects.select_related("customer", "order").filter(pk=pk)
    )
    for note in notes:
        expected = DeliveryNote.objects.select_related("customer", "order").get(pk=note.pk)
        with CaptureQueriesContext(connection) as ctx:
            found = query.get(note.pk)
            assert found.customer.name == chain.customer.name  # joined, not read again
            assert found.order.number == expected.order.number
        assert len(ctx.captured_queries) == 1
        assert _fields(found) == _fields(expected)
        assert _fields(found.customer) == _fields(expected.customer)


def test_a_missing_row_is_does_not_exist_and_constants_stay(chain):
    note = chain.note()
    # The status is a constant of the query, the id its argument.
    query = CompiledQuery(lambda pk: DeliveryNote.objects.filter(pk=pk, status="issued"))
    assert query.get(note.pk) == note
    with pytest.raises(DeliveryNote.DoesNotExist):
        query.get(note.pk + 1000)
    chain.stamped(note)
    assert query(note.pk) == []  # stamped now: the constant still applies


def test_an_argument_must_appear_exactly_once():
    twice = CompiledQuery(lambda pk: SalesOrder.objects.filter(Q(pk=pk) | Q(customer_id=pk)))
    with pytest.raises(ImproperlyConfigured):
        twice(1)
    unused = CompiledQuery(lambda pk: SalesOrder.objects.all())
    with pytest.raises(ImproperlyConfigured):
        unused(1)


@pytest.mark.django_db(transaction=True)
def test_locking_reads_refuse_to_run_outside_a_transaction(chain):
    note = chain.note()
    query = CompiledQuery(lambda pk: locked(DeliveryNote.objects).filter(pk=pk))
    with pytest.raises(TransactionManagementError):
        query(note.pk)  # not compiled yet
    with transaction.atomic():
        assert query.get(note.pk) == note
    with pytest.raises(TransactionManagementError):
        query(note.pk)  # compiled
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        query(note.pk)
    assert "FOR NO KEY UPDATE" in ctx.captured_queries[-2]["sql"]


@pytest.mark.django_db(transaction=True)
def test_threads_run_it_on_their_own_connections(chain):
    notes = [chain.note() for _ in range(4)]
    query = CompiledQuery(lambda pk: locked(DeliveryNote.objects).filter(pk=pk))

    def work(i):
        with transaction.atomic():
            return query.get(notes[i].pk).pk, id(connection.connection)

    outcomes = run_together(work, 4)

    assert [kind for kind, _ in outcomes] == ["ok"] * 4, outcomes
    assert [pk for _, (pk, _conn) in outcomes] == [n.pk for n in notes]
    assert len({conn for _, (_pk, conn) in outcomes}) == 4


def test_text_arguments_are_named_by_kinds(chain):
    notes = [chain.note(), chain.note()]
    query = CompiledQuery(
        lambda pk, code: DeliveryNote.objects.filter(pk=pk, pass_code=code), kinds=(int, str)
    )
    assert query.get(notes[0].pk, notes[0].pass_code) == notes[0]
    assert query.get(notes[1].pk, notes[1].pass_code) == notes[1]
    assert query(notes[0].pk, notes[1].pass_code) == []  # both must match
    with pytest.raises(ImproperlyConfigured):
        CompiledQuery(lambda when: DeliveryNote.objects.filter(issue_date=when), kinds=(float,))


def test_lists_of_ids_go_to_any_as_one_array(chain):
    notes = [chain.note() for _ in range(3)]
    query = CompiledQuery(
        lambda ids: DeliveryNote.objects.filter(pk__any=ids).order_by("pk"), kinds=(list,)
    )
    assert query([n.pk for n in notes]) == notes
    assert query([notes[1].pk]) == [notes[1]]
    assert query([]) == []
    sql = query._compiled[2]
    assert "= ANY(%s::bigint[])" in sql  # one statement text whatever the length
    # Foreign keys take it too.
    assert DeliveryNote.objects.filter(order_id__any=[notes[0].order_id]).get() == notes[0]


def test_an_id_beyond_the_database_range_is_a_400_not_a_500(chain):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(chain.clerk)
    response = api.post(
        "/api/v1/orders/",
        {"customer": chain.customer.pk, "lines": [{"product": 10**20, "quantity": "1"}]},
        format="json",
    )
    assert response.status_code == 400, response.content


@pytest.mark.parametrize(
    "path", ["/api/v1/delivery-notes/{pk}/stamp/", "/api/v1/orders/{pk}/approve/"]
)
def test_a_document_id_beyond_the_database_range_is_a_404(chain, path):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(chain.manager)
    response = api.post(path.format(pk=10**20), {}, format="json")
    assert response.status_code == 404, response.content
