"""Lists and details answer in a fixed number of queries however many rows they show."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from finance.services import payment_record
from orders.services.sales_orders import LineInput, sales_order_create, sales_order_submit


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


def flat(client, url, grow, django_assert_max_num_queries):
    """Count the queries with a few rows, add many more rows, count again."""
    few = queries_for(client, url)
    grow()
    with django_assert_max_num_queries(few):
        response = client.get(url)
    return response.json()


def order_of_many_lines(chain, lines: int):
    order = sales_order_create(
        user=chain.clerk,
        customer=chain.customer,
        lines=[LineInput(product=chain.products[0], quantity=Decimal("1")) for _ in range(lines)],
    )
    return sales_order_submit(order=order, user=chain.clerk)


def test_orders_list(chain, api_for, django_assert_max_num_queries):
    for _ in range(3):
        chain.order(submit=False)

    body = flat(
        api_for(chain.clerk),
        "/api/v1/orders/",
        lambda: [chain.order(submit=False) for _ in range(27)],
        django_assert_max_num_queries,
    )

    assert body["count"] == 30 and len(body["results"]) == 30


def test_delivery_notes_list(chain, api_for, django_assert_max_num_queries):
    order = chain.order(("100",))
    for _ in range(3):
        chain.note(order, quantities=["1"])

    body = flat(
        api_for(chain.keeper),
        "/api/v1/delivery-notes/",
        lambda: [chain.note(order, quantities=["1"]) for _ in range(27)],
        django_assert_max_num_queries,
    )

    assert body["count"] == 30


def test_payments_list(chain, api_for, django_assert_max_num_queries):
    def pay(n):
        payment_record(customer=chain.customer, amount="10.00", user=chain.finance, reference=n)

    for n in range(3):
        pay(f"R{n}")

    body = flat(
        api_for(chain.finance),
        "/api/v1/payments/",
        lambda: [pay(f"R{n}") for n in range(3, 30)],
        django_assert_max_num_queries,
    )

    assert body["count"] == 30


@pytest.mark.parametrize("endpoint", ["order", "note", "gate"])
def test_details_do_not_grow_with_lines(
    chain, api_for, guard, endpoint, django_assert_max_num_queries
):
    def url_and_client(lines):
        order = order_of_many_lines(chain, lines)
        note = chain.dispatched(chain.stamped(chain.note(order)))
        if endpoint == "order":
            return api_for(chain.clerk).get, f"/api/v1/orders/{order.pk}/", {}
        if endpoint == "note":
            return api_for(chain.clerk).get, f"/api/v1/delivery-notes/{note.pk}/", {}
        client = api_for(guard)
        return (
            lambda url, data: client.post(url, data, format="json"),
            "/api/v1/exit-passes/check/",
            {"code": note.pass_code},
        )

    call, url, data = url_and_client(3)
    with CaptureQueriesContext(connection) as few:
        assert call(url, data).status_code == 200
    call, url, data = url_and_client(30)

    with django_assert_max_num_queries(len(few)):
        response = call(url, data)

    body = response.json()
    assert len(body.get("lines") or body.get("goods")) == 30
