"""The exception handler's mapping, and garbage input never reaching a 500."""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from inventory.services import InsufficientStock
from orders.enums import OrderStatus
from orders.models import SalesOrder
from salesadmin.api import exception_handler
from salesadmin.errors import ApplicationError, ConflictError

# --- the mapping, exception by exception ---------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (ApplicationError("Not covered.", code="not_covered"), 400, "not_covered"),
        (ConflictError("Not now.", code="invalid_state"), 409, "invalid_state"),
        (TransitionNotAllowed("no"), 409, "invalid_state"),
        (ConcurrentTransition("stale"), 409, "concurrent_change"),
        (IntegrityError("duplicate key"), 409, "conflict"),
        (PermissionDenied(), 403, "permission_denied"),
        (ValidationError("Bad."), 400, "invalid"),
        (ValidationError({"quantity": ["Bad."]}), 400, "invalid"),
        (Http404(), 404, "not_found"),
        (SalesOrder.DoesNotExist(), 404, "not_found"),
    ],
)
def test_each_error_maps_to_its_status_and_code(db, exc, status, code):
    response = exception_handler(exc, {"view": None})

    assert response.status_code == status
    assert response.data["code"] == code
    assert response.data["detail"]


def test_insufficient_stock_says_what_is_available(db):
    response = exception_handler(
        InsufficientStock("Only 3 left.", available=Decimal("3.000")), {"view": None}
    )

    assert (response.status_code, response.data["code"]) == (400, "insufficient_stock")
    assert response.data["available"] == "3.000"


def test_a_django_validation_error_keeps_its_fields(db):
    response = exception_handler(ValidationError({"quantity": ["Too many."]}), {"view": None})

    assert response.data["fields"] == {"quantity": ["Too many."]}
    assert response.data["detail"] == "quantity: Too many."


def test_an_integrity_error_is_logged_and_stays_generic(db, caplog):
    with caplog.at_level(logging.ERROR, logger="salesadmin.api"):
        response = exception_handler(
            IntegrityError('duplicate key value violates "secret_constraint"'), {"view": None}
        )

    assert "secret_constraint" not in json.dumps(response.data)
    assert any(r.exc_info and isinstance(r.exc_info[1], IntegrityError) for r in caplog.records)


def test_an_unknown_exception_is_left_to_django(db):
    assert exception_handler(RuntimeError("bug"), {"view": None}) is None


# --- the same errors through a real endpoint ------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (IntegrityError("slipped through"), 409, "conflict"),
        (ConcurrentTransition("stale copy"), 409, "concurrent_change"),
        (TransitionNotAllowed("no"), 409, "invalid_state"),
    ],
)
def test_a_service_error_reaches_the_client_as_4xx(chain, api_for, monkeypatch, exc, status, code):
    order = chain.order(submit=False)

    def fail(**kwargs):
        raise exc

    monkeypatch.setattr("orders.apis.sales_orders.sales_order_submit", fail)

    response = api_for(chain.clerk).post(f"/api/v1/orders/{order.pk}/submit/")

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert SalesOrder.objects.get(pk=order.pk).status == OrderStatus.DRAFT


# --- garbage in, never a 500 -------------------------------------------------------------------

RAW_BODIES = [
    b"",
    b"not json",
    b"{",
    b"}",
    b"null",
    b"true",
    b"123",
    b'"text"',
    b"[]",
    b"[{}]",
    b"NaN",
    b'{"amount": NaN, "quantity": Infinity}',
    b"\xff\xfe\x00garbage",
    b'{"code": "\\ud800", "comment": "\\udfff", "reason": "\\ud83d"}',
    b'{"\\ud800": 1}',
    b'{"pickup_mode": "\\ud800", "method": "\\ud800"}',
    b"[" * 50_000,
    b"[" * 900 + b"]" * 900,
    b'{"lines": ' + b"[" * 900 + b"]" * 900 + b"}",
    b'{"a":' * 50_000,
    b'{"amount": 1e999999}',
]

JSON_BODIES = [
    {},
    {"status": "exited"},
    {"lines": None},
    {"lines": "abc"},
    {"lines": {}},
    {"lines": [None]},
    {"lines": [[]]},
    {"lines": [1, 2]},
    {"lines": [{}] * 300},
    {"lines": [{"product": "abc", "quantity": "abc"}]},
    {"lines": [{"product": 1, "quantity": "-1", "unit_price": "-5"}]},
    {"lines": [{"product": 10**30, "quantity": "1e400", "unit_price": "NaN"}]},
    {"lines": [{"product": 1, "quantity": 99999999999999999999, "unit_price": 1e308}]},
    {"lines": [{"order_line": -1, "quantity": "-1"}]},
    {"lines": [{"order_line": 10**30, "quantity": True}]},
    {"lines": [{"note_line": True, "allocations": "x"}]},
    {"lines": [{"note_line": 1, "allocations": [{"batch": None, "quantity": []}]}]},
    {"lines": [{"note_line": 1, "allocations": [{"batch": 1, "quantity": "-5"}]}]},
    {"customer": 10**30, "amount": "1e400", "lines": []},
    {"customer": -1, "amount": -5},
    {"customer": "1", "amount": "abc"},
    {"customer": {"id": 1}, "amount": [1]},
    {"customer": 1, "amount": "99999999999999999999.99"},
    {"customer": 1, "amount": "0.001", "date": "2026-99-99"},
    {"customer": 1, "amount": "10", "date": 5, "method": None},
    {"customer": 1, "amount": "10", "reference": "x" * 1000, "note": "\x00"},
    {"code": None},
    {"code": "\x00"},
    {"code": "a:b:c"},
    {"code": "x" * 100_000},
    {"code": "ABCD-EFGH", "vehicle_plate": "x" * 1000},
    {"code": ".eJyrVspTslIyNDQwMDAwsjA0NQfQAFAHCQ:1tXxxx:forged"},
    {"comment": ["a"], "reason": {"a": 1}, "override_reason": 5},
    {"comment": "\x00", "reason": "\x00", "override_reason": "\x00"},
    {"comment": "x" * 5000, "reason": "x" * 5000, "override_reason": "x" * 5000},
    {"warehouse": "abc", "lines": []},
    {"warehouse": 10**30, "vehicle_plate": "x" * 100, "driver": ["x"]},
    {"pickup_mode": None, "remarks": "\x00"},
]

POST_ENDPOINTS = [
    "/api/v1/orders/",
    "/api/v1/orders/{draft}/submit/",
    "/api/v1/orders/{submitted}/approve/",
    "/api/v1/orders/{submitted}/reject/",
    "/api/v1/orders/{rejected}/revise/",
    "/api/v1/orders/{draft}/cancel/",
    "/api/v1/orders/{order}/delivery-notes/",
    "/api/v1/delivery-notes/{note}/stamp/",
    "/api/v1/delivery-notes/{stamped}/dispatch/",
    "/api/v1/delivery-notes/{topup}/restamp/",
    "/api/v1/delivery-notes/{note}/cancel/",
    "/api/v1/exit-passes/check/",
    "/api/v1/exit-passes/exit/",
    "/api/v1/payments/",
]


@pytest.fixture
def documents(chain):
    from orders.services.dispatch import delivery_note_dispatch
    from orders.services.sales_orders import sales_order_reject

    order = chain.order(("100", "1000", "50"))
    submitted = chain.order(("10",), prices=[Decimal("20.00")])
    rejected = chain.order(("10",), prices=[Decimal("20.00")])
    sales_order_reject(order=rejected, user=chain.manager, comment="no")
    topup = chain.stamped(chain.note(order, quantities=["0", "100"]))
    topup = delivery_note_dispatch(
        note=topup,
        user=chain.keeper,
        lines=chain.dispatch_lines(topup, factor=Decimal("1.04")),
    )
    return {
        "order": order.pk,
        "draft": chain.order(submit=False).pk,
        "submitted": submitted.pk,
        "rejected": rejected.pk,
        "note": chain.note(order, quantities=["1"]).pk,
        "stamped": chain.stamped(chain.note(order, quantities=["1"])).pk,
        "topup": topup.pk,
    }


def _send(client, method, url, body):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.generic(method, url, raw, content_type="application/json")


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_garbage_bodies_never_give_a_500(chain, documents, api_for, endpoint):
    client = api_for(chain.manager)  # every permission: the deepest code paths
    url = endpoint.format(**documents)

    for body in RAW_BODIES + JSON_BODIES:
        response = _send(client, "POST", url, body)
        assert response.status_code < 500, (url, body if len(str(body)) < 200 else "(long)")
        if response.status_code >= 400:
            assert response.json()["code"], (url, body)


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_garbage_changes_to_a_draft_never_give_a_500(chain, documents, api_for, method):
    client = api_for(chain.manager)
    url = f"/api/v1/orders/{documents['draft']}/"

    for body in RAW_BODIES + JSON_BODIES:
        response = _send(client, method, url, body)
        assert response.status_code < 500, (method, body if len(str(body)) < 200 else "(long)")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/orders/?status=%00&customer=%00",
        "/api/v1/orders/?customer=999999999999999999999999&limit=99999999999999999999",
        "/api/v1/orders/?limit=-1&offset=-1",
        "/api/v1/orders/?offset=99999999999999999999999",
        "/api/v1/orders/99999999999999999999999/",
        "/api/v1/delivery-notes/?date=2026-13-01&status=nope&order=abc",
        "/api/v1/delivery-notes/?date=%ED%A0%80",
        "/api/v1/delivery-notes/99999999999999999999999/",
        "/api/v1/price-quote/?customer=1e400&product=-1&date=0000-00-00",
        "/api/v1/price-quote/?customer=%00&product=%ED%A0%80",
        "/api/v1/payments/?date_from=x&date_to=9999-99-99&customer=-5",
        "/api/v1/customers/99999999999999999999999/account/",
    ],
)
def test_garbage_queries_never_give_a_500(chain, documents, api_for, url):
    response = api_for(chain.manager).get(url)

    assert response.status_code < 500
    assert response.status_code in (200, 400, 404)


def test_a_huge_limit_is_capped(chain, api_for):
    for _ in range(3):
        chain.order(submit=False)

    response = api_for(chain.clerk).get("/api/v1/orders/?limit=99999999999999999999")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


@pytest.mark.parametrize(
    "raw",
    [b"[" * 50_000, b'{"remarks": "\\ud800"}', b'{"\\udfff": "x"}', b"{", b"NaN"],
)
def test_bodies_python_cannot_handle_are_parse_errors(chain, api_for, raw):
    response = api_for(chain.clerk).generic(
        "POST", "/api/v1/orders/", raw, content_type="application/json"
    )

    assert (response.status_code, response.json()["code"]) == (400, "parse_error")
    assert not SalesOrder.objects.exists()


def test_a_form_encoded_body_is_refused_as_unsupported(chain, api_for):
    response = api_for(chain.clerk).post(
        "/api/v1/orders/", {"customer": chain.customer.pk}, format="multipart"
    )

    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/orders/",
        "/api/v1/orders/{draft}/",
        "/api/v1/orders/{draft}/submit/",
        "/api/v1/orders/{submitted}/approve/",
        "/api/v1/orders/{order}/delivery-notes/",
        "/api/v1/delivery-notes/",
        "/api/v1/delivery-notes/{note}/",
        "/api/v1/delivery-notes/{stamped}/dispatch/",
        "/api/v1/exit-passes/exit/",
        "/api/v1/payments/",
        "/api/v1/price-quote/",
    ],
)
def test_the_browsable_api_and_options_never_give_a_500(chain, documents, client, url):
    """A browser (HTML) or an OPTIONS call builds forms from each view's serializer."""
    client.force_login(chain.manager)
    url = url.format(**documents)

    html = client.get(url, HTTP_ACCEPT="text/html")
    options = client.options(url)

    assert html.status_code in (200, 400, 405)
    assert options.status_code == 200


def test_unknown_ids_in_lines_are_named_where_they_are(chain, documents, api_for):
    """Related ids are looked up together; a missing one is still reported at its
    place in the input, and nothing is created."""
    from orders.models import SalesOrder

    product = chain.products[0].pk
    before = SalesOrder.objects.count()
    response = api_for(chain.clerk).post(
        "/api/v1/orders/",
        {
            "customer": chain.customer.pk,
            "lines": [
                {"product": product, "quantity": "1"},
                {"product": 987654321, "quantity": "1"},
            ],
        },
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert list(fields) == ["lines"]
    assert fields["lines"][0] == {}
    assert "987654321" in fields["lines"][1]["product"][0]
    assert SalesOrder.objects.count() == before


def test_an_unknown_batch_in_a_dispatch_is_a_400_and_nothing_moves(chain, documents, api_for):
    from inventory.models import StockMove

    note = chain.stamped(chain.note(chain.order(), quantities=["1", "0", "0"]))
    line = note.lines.get()
    moves = StockMove.objects.count()
    response = api_for(chain.keeper).post(
        f"/api/v1/delivery-notes/{note.pk}/dispatch/",
        {"lines": [{"note_line": line.pk, "allocations": [{"batch": 99999, "quantity": "1"}]}]},
        format="json",
    )
    assert response.status_code == 400
    assert "99999" in response.json()["fields"]["lines"][0]["allocations"][0]["batch"][0]
    assert StockMove.objects.count() == moves


def test_issuing_a_line_of_another_order_or_no_order_is_a_400(chain, documents, api_for):
    from inventory.models import ReservationMove

    order, other = chain.order(), chain.order()
    reservations = ReservationMove.objects.count()
    api = api_for(chain.clerk)
    for line_id in (other.lines.first().pk, 987654321):
        response = api.post(
            f"/api/v1/orders/{order.pk}/delivery-notes/",
            {"warehouse": chain.warehouse.pk, "lines": [{"order_line": line_id, "quantity": "1"}]},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["code"] == "line_mismatch"
    assert ReservationMove.objects.count() == reservations


def test_dispatching_a_line_not_on_the_note_is_a_400_and_nothing_moves(chain, api_for):
    from inventory.models import StockMove

    note = chain.stamped(chain.note(chain.order(), quantities=["1", "0", "0"]))
    batch = chain.batches[note.lines.get().product_id]
    moves = StockMove.objects.count()
    response = api_for(chain.keeper).post(
        f"/api/v1/delivery-notes/{note.pk}/dispatch/",
        {
            "lines": [
                {"note_line": 987654321, "allocations": [{"batch": batch.pk, "quantity": "1"}]}
            ]
        },
        format="json",
    )
    assert response.status_code == 400
    assert StockMove.objects.count() == moves
