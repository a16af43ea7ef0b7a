"""The edges the URL walk found, each pinned by its own test: NUL bytes, huge
ids, unknown API paths, OPTIONS on action views, the maximum page size."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from salesadmin.decimal_input import parse_id
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
LONG = "9" * 10_000


@pytest.mark.parametrize("url", ["/orders/?q=%00", "/orders/notes/?q=%00", "/customers/?q=a%00b"])
def test_nul_in_a_search_box_is_a_400_page(url, manager, client_for):
    assert client_for(manager).get(url).status_code == 400


def test_nul_in_an_api_query_is_a_400_with_a_code(manager):
    client = APIClient()
    client.force_authenticate(manager)
    response = client.get("/api/v1/customers/?q=%00")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_nul_in_a_form_is_a_400(clerk, client_for):
    response = client_for(clerk).post("/customers/new/", {"name": "A\x00B"})
    assert response.status_code == 400


def test_nul_in_a_path_is_a_400(manager, client_for):
    assert client_for(manager).get("/orders/notes/%00/").status_code == 400


def test_nul_in_api_json_is_a_400(manager):
    client = APIClient()
    client.force_authenticate(manager)
    customer = CustomerFactory()
    response = client.post(
        f"/api/v1/customers/{customer.pk}/credit-hold/", {"reason": "A\x00B"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize(
    "url",
    [
        f"/finance/invoices/?customer={LONG}",
        f"/finance/payments/open-invoices/?customer={LONG}",
        f"/orders/new/price/?customer={LONG}&product=1",
        f"/orders/gate/?out={LONG}",
        f"/inventory/stock/?warehouse={LONG}",
        "/finance/invoices/?customer=%C2%B2",
    ],
)
def test_huge_or_odd_ids_in_the_query_are_ignored(url, manager, client_for):
    assert client_for(manager).get(url).status_code == 200


def test_parse_id():
    assert parse_id("42") == 42
    assert parse_id(42) == 42
    assert parse_id(None) is None
    assert parse_id("") is None
    assert parse_id("²") is None
    assert parse_id("-1") is None
    assert parse_id(LONG) is None
    assert parse_id("9" * 19) is None


def test_unknown_api_path_is_json_404():
    response = Client().get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unknown_page_is_still_html_404():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("url", ["/api/v1/invoices/run/", "/api/v1/notices/read/"])
def test_options_on_action_views_answers(url, manager):
    client = APIClient()
    client.force_authenticate(manager)
    response = client.options(url)
    assert response.status_code == 200
    assert "POST" in response["Allow"]


def test_options_on_the_api_docs_page_answers(manager, client_for):
    response = client_for(manager).options("/api/docs/")
    assert response.status_code == 200
    assert "GET" in response["Allow"]


def test_pages_have_a_maximum_size(manager):
    CustomerFactory.create_batch(205)
    client = APIClient()
    client.force_authenticate(manager)
    response = client.get("/api/v1/customers/?limit=100000000")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 200
    assert response.json()["count"] >= 205
