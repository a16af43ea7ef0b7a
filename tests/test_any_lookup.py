"""The ``__any`` lookup (one array parameter, one statement text), and ids
beyond what the database can hold answered as not found, never a 500."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from orders.models import DeliveryNote

pytestmark = pytest.mark.django_db


def test_lists_of_ids_go_to_any_as_one_array(chain):
    notes = [chain.note() for _ in range(3)]

    def by_ids(ids):
        return DeliveryNote.objects.filter(pk__any=ids).order_by("pk")

    assert list(by_ids([n.pk for n in notes])) == notes
    assert list(by_ids([notes[1].pk])) == [notes[1]]
    assert list(by_ids([])) == []
    # one statement text whatever the number of ids, so PostgreSQL keeps it prepared
    sql, params = by_ids([1, 2, 3]).query.sql_with_params()
    assert sql == by_ids([1]).query.sql_with_params()[0]
    assert "= ANY(%s::bigint[])" in sql and params == ([1, 2, 3],)
    # Foreign keys take it too.
    assert DeliveryNote.objects.filter(order_id__any=[notes[0].order_id]).get() == notes[0]


def test_an_id_beyond_the_database_range_is_a_400_not_a_500(chain):
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
    api = APIClient()
    api.force_authenticate(chain.manager)
    response = api.post(path.format(pk=10**20), {}, format="json")
    assert response.status_code == 404, response.content
