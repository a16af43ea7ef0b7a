"""``Prefer: return=minimal`` (RFC 7240): the action runs the same, the answer is
only id, number and status, and it costs fewer queries than the whole document."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.enums import NoteStatus, OrderStatus

pytestmark = pytest.mark.django_db

MINIMAL = {"HTTP_PREFER": "return=minimal"}


def _stamp(api, note, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = api.post(
            f"/api/v1/delivery-notes/{note.pk}/stamp/", {}, format="json", **headers
        )
    return response, len(ctx.captured_queries)


def test_a_minimal_stamp_answers_id_number_status_only(chain, api_for):
    api = api_for(chain.finance)
    note = chain.note()
    response, minimal_queries = _stamp(api, note, **MINIMAL)

    assert response.status_code == 200
    assert response.json() == {"id": note.pk, "number": note.number, "status": "stamped"}
    assert response["Preference-Applied"] == "return=minimal"
    note.refresh_from_db()
    assert note.status == NoteStatus.STAMPED  # the action itself is the same

    other = chain.note()
    full, full_queries = _stamp(api, other)
    assert "lines" in full.json() and "Preference-Applied" not in full
    assert minimal_queries < full_queries


def test_a_refused_action_is_refused_the_same_with_minimal(chain, api_for):
    order = chain.order(submit=False)
    response = api_for(chain.manager).post(
        f"/api/v1/orders/{order.pk}/approve/", {}, format="json", **MINIMAL
    )
    assert response.status_code == 409
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT


def test_a_minimal_create_still_creates_the_order(chain, api_for):
    response = api_for(chain.clerk).post(
        "/api/v1/orders/",
        {
            "customer": chain.customer.pk,
            "lines": [{"product": chain.products[0].pk, "quantity": "2"}],
        },
        format="json",
        **MINIMAL,
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "number", "status"}
    assert body["status"] == "draft" and body["number"].startswith("LG")
