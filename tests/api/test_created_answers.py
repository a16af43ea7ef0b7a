"""Creating an order and issuing a note answer with the document the service
built, without reading it again: the answer must be exactly what a read of the
document returns afterwards."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _reads_of(ctx, table: str) -> list[str]:
    return [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT") and table in q["sql"]
    ]


def test_a_created_order_answers_what_reading_it_returns(chain, api_for):
    api = api_for(chain.clerk)
    with CaptureQueriesContext(connection) as ctx:
        response = api.post(
            "/api/v1/orders/",
            {
                "customer": chain.customer.pk,
                "remarks": "三号门",
                "lines": [
                    {"product": chain.products[0].pk, "quantity": "10"},
                    {"product": chain.products[1].pk, "quantity": "250.5", "unit_price": "1.2"},
                    {"product": chain.products[2].pk, "quantity": "4"},
                ],
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    created = response.json()
    assert [line["open_quantity"] for line in created["lines"]] == ["10.000", "250.500", "4.000"]
    assert created["available_transitions"]  # the clerk may submit or change it

    assert api.get(f"/api/v1/orders/{created['id']}/").json() == created
    assert _reads_of(ctx, '"orders_salesorder"') == []  # answered from what was built


def test_an_issued_note_answers_what_reading_it_returns(chain, api_for):
    order = chain.order()
    lines = list(order.lines.order_by("position"))
    api = api_for(chain.clerk)
    with CaptureQueriesContext(connection) as ctx:
        response = api.post(
            f"/api/v1/orders/{order.pk}/delivery-notes/",
            {
                "warehouse": chain.warehouse.pk,
                "vehicle_plate": "浙e12345",
                "lines": [
                    {"order_line": lines[0].pk, "quantity": "4"},
                    {"order_line": lines[1].pk, "quantity": "100"},
                ],
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    issued = response.json()
    assert [line["quantity"] for line in issued["lines"]] == ["4.000", "100.000"]
    assert issued["vehicle_plate"] == "浙E12345" and issued["gate_exit"] is None

    assert api.get(f"/api/v1/delivery-notes/{issued['id']}/").json() == issued
    assert _reads_of(ctx, 'FROM "orders_deliverynote"') == []
    assert _reads_of(ctx, 'FROM "orders_dispatchallocation"') == []
