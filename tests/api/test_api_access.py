"""Who may call which endpoint: every orders/finance endpoint, every role, and
anonymous callers; token authentication."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

ROLES = ("clerk", "finance", "keeper", "guard", "manager")
SALES = {"clerk", "manager"}
OFFICE = {"clerk", "finance", "manager"}
FINANCE = {"finance", "manager"}

# (method, url, roles allowed). {order} is an approved order, {draft} a draft,
# {note} an issued note, {customer} the customer, {invoice} an invoice. Everyone else gets 403.
ENDPOINTS = [
    ("get", "/api/v1/orders/", OFFICE),
    ("post", "/api/v1/orders/", SALES),
    ("get", "/api/v1/orders/{order}/", OFFICE),
    ("put", "/api/v1/orders/{draft}/", SALES),
    ("patch", "/api/v1/orders/{draft}/", SALES),
    ("post", "/api/v1/orders/{draft}/submit/", SALES),
    ("post", "/api/v1/orders/{order}/approve/", {"manager"}),
    ("post", "/api/v1/orders/{order}/reject/", {"manager"}),
    ("post", "/api/v1/orders/{order}/contract-review/approve/", {"manager"}),
    ("post", "/api/v1/orders/{order}/contract-review/reject/", {"manager"}),
    ("post", "/api/v1/orders/{order}/revise/", SALES),
    ("post", "/api/v1/orders/{draft}/cancel/", SALES),
    ("post", "/api/v1/orders/{order}/delivery-notes/", SALES),
    ("get", "/api/v1/price-quote/", OFFICE),
    ("get", "/api/v1/delivery-notes/", OFFICE | {"keeper"}),
    ("get", "/api/v1/delivery-notes/{note}/", OFFICE | {"keeper"}),
    ("post", "/api/v1/delivery-notes/{note}/stamp/", FINANCE),
    ("post", "/api/v1/delivery-notes/{note}/dispatch/", {"keeper", "manager"}),
    ("post", "/api/v1/delivery-notes/{note}/restamp/", FINANCE),
    ("post", "/api/v1/delivery-notes/{note}/cancel/", SALES),
    ("post", "/api/v1/exit-passes/check/", {"guard", "manager"}),
    ("post", "/api/v1/exit-passes/exit/", {"guard", "manager"}),
    ("get", "/api/v1/payments/", FINANCE),
    ("post", "/api/v1/payments/", FINANCE),
    ("get", "/api/v1/customers/{customer}/account/", FINANCE),
    ("get", "/api/v1/reports/dashboard/", {"manager"}),
    ("get", "/api/v1/reports/sales/", {"manager"}),
    ("get", "/api/v1/reports/reconciliation/", {"manager"}),
    ("get", "/api/v1/customers/{customer}/ledger/", FINANCE),
    ("post", "/api/v1/customers/{customer}/credit-hold/", {"manager"}),
    ("get", "/api/v1/invoices/", FINANCE),
    ("post", "/api/v1/invoices/run/", FINANCE),
    ("get", "/api/v1/invoices/{invoice}/", FINANCE),
    ("get", "/api/v1/invoices/{invoice}/pdf/", FINANCE),
    ("post", "/api/v1/invoices/{invoice}/official-number/", FINANCE),
    ("post", "/api/v1/invoices/{invoice}/void/", FINANCE),
    ("get", "/api/v1/notices/", set(ROLES)),
    ("post", "/api/v1/notices/read/", set(ROLES)),
    ("get", "/api/v1/aging/", FINANCE),
    ("get", "/api/v1/aging/customers/{customer}/", FINANCE),
    ("get", "/api/v1/reminders/", FINANCE),
    ("get", "/api/v1/statements/", FINANCE),
    ("get", "/api/v1/customers/{customer}/statement/", FINANCE),
    ("get", "/api/v1/customers/{customer}/statement/pdf/", FINANCE),
    ("post", "/api/v1/delivery-notes/{note}/ask-override/", FINANCE),
    ("post", "/api/v1/orders/approve-many/", {"manager"}),
    ("post", "/api/v1/delivery-notes/stamp-many/", FINANCE),
    ("post", "/api/v1/delivery-notes/print/", OFFICE | {"keeper"}),
]


@pytest.fixture
def ids(chain):
    order = chain.order()
    return {
        "order": order.pk,
        "draft": chain.order(submit=False).pk,
        "note": chain.note(order).pk,
        "customer": chain.customer.pk,
        "invoice": _invoice(chain.customer).pk,
    }


def _invoice(customer):
    from tests.factories import InvoiceFactory

    return InvoiceFactory(customer=customer)


@pytest.mark.parametrize(("method", "url", "allowed"), ENDPOINTS)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_endpoints(role, method, url, allowed, ids, api_for, personas):
    response = getattr(api_for(personas[role]), method)(url.format(**ids), {}, format="json")

    if role in allowed:
        # An empty body may be refused as input, but never for the role.
        assert response.status_code not in (401, 403), f"{role} {method} {url}"
        assert response.status_code < 500
    else:
        assert response.status_code == 403, f"{role} {method} {url}"
        assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize(("method", "url", "allowed"), ENDPOINTS)
def test_anonymous_callers_get_401(method, url, allowed, ids):
    response = getattr(APIClient(), method)(url.format(**ids), {}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Token")


API_MODULES = (
    "orders.apis.sales_orders",
    "orders.apis.delivery_notes",
    "orders.apis.gate",
    "orders.apis.bulk",
    "finance.apis.accounts",
    "finance.apis.invoices",
    "finance.apis.payments",
    "finance.collection_apis",
    "notices.apis",
    "reports.apis",
)


def _api_routes(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _api_routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            view = getattr(entry.callback, "view_class", None)
            if view is not None and view.__module__ in API_MODULES:
                yield prefix + str(entry.pattern)


def test_every_orders_and_finance_endpoint_is_in_the_table():
    listed = {"/" + route for route in _api_routes() if route.startswith("api/v1/")}
    table = {
        url.replace("{order}", "<int:pk>")
        .replace("{draft}", "<int:pk>")
        .replace("{note}", "<int:pk>")
        .replace("{customer}", "<int:pk>")
        .replace("{invoice}", "<int:pk>")
        for _method, url, _allowed in ENDPOINTS
    }
    assert listed == table


def test_a_token_authenticates(chain, api_for):
    chain.order()
    token = Token.objects.create(user=chain.clerk)
    client = APIClient()

    response = client.get("/api/v1/orders/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_a_wrong_token_is_401(chain):
    Token.objects.create(user=chain.clerk)

    response = APIClient().get("/api/v1/orders/", HTTP_AUTHORIZATION="Token not-a-real-token")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_guards_token_opens_only_the_gate(chain, guard):
    note = chain.dispatched()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=guard).key}")

    assert client.get("/api/v1/orders/").status_code == 403
    assert client.get(f"/api/v1/delivery-notes/{note.pk}/").status_code == 403
    assert client.get("/api/v1/payments/").status_code == 403
    gate = client.post("/api/v1/exit-passes/check/", {"code": note.pass_code}, format="json")
    assert (gate.status_code, gate.json()["passed"]) == (200, True)
