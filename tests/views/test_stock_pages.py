"""Stock pages through HTTP: receipts reach the ledger, the overview flags low stock."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inventory.models import StockLevel, StockMove
from tests.factories import ProductFactory, WarehouseFactory


def _receipt(product, warehouse, **overrides):
    data = {
        "product": product.pk,
        "warehouse": warehouse.pk,
        "batch_number": "20261101-01",
        "produced_on": "2026-11-01",
        "quantity": "12.5",
        "note": "",
    }
    data.update(overrides)
    return data


def test_keeper_records_a_production_receipt(keeper, client_for):
    product, warehouse = ProductFactory(), WarehouseFactory()
    response = client_for(keeper).post("/inventory/receipts/new/", _receipt(product, warehouse))
    assert response.status_code == 302
    move = StockMove.objects.get()
    assert (move.quantity, move.created_by, move.batch.number) == (
        Decimal("12.500"),
        keeper,
        "20261101-01",
    )
    assert StockLevel.objects.get(product=product).on_hand == Decimal("12.500")


def test_bad_quantity_is_shown_and_nothing_is_booked(keeper, client_for):
    product, warehouse = ProductFactory(), WarehouseFactory()
    response = client_for(keeper).post(
        "/inventory/receipts/new/", _receipt(product, warehouse, quantity="-3")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["quantity"]
    assert not StockMove.objects.exists()


def test_a_batch_date_conflict_comes_back_as_a_form_error(keeper, client_for):
    product, warehouse = ProductFactory(), WarehouseFactory()
    client = client_for(keeper)
    client.post("/inventory/receipts/new/", _receipt(product, warehouse))
    response = client.post(
        "/inventory/receipts/new/", _receipt(product, warehouse, produced_on="2026-11-02")
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert StockMove.objects.count() == 1


def test_stock_overview_flags_products_below_safety_stock(keeper, client_for):
    warehouse = WarehouseFactory()
    low = ProductFactory(safety_stock=Decimal("100"))
    fine = ProductFactory(safety_stock=Decimal("5"))
    client = client_for(keeper)
    for product in (low, fine):
        client.post("/inventory/receipts/new/", _receipt(product, warehouse, quantity="10"))
    response = client.get("/inventory/stock/?below=1")
    assert [p.sku for p in response.context["products"]] == [low.sku]
    assert 'class="below-safety"' in response.content.decode()


@pytest.mark.parametrize("products", [2, 25])
def test_stock_page_and_api_query_counts_do_not_grow(
    products, keeper, manager, client_for, django_assert_max_num_queries
):
    warehouse = WarehouseFactory()
    client = client_for(keeper)
    for i in range(products):
        product = ProductFactory()
        client.post(
            "/inventory/receipts/new/",
            _receipt(product, warehouse, batch_number=f"B{i}", quantity="3"),
        )
    with django_assert_max_num_queries(8):
        assert client.get("/inventory/stock/").status_code == 200
    manager_client = client_for(manager)
    with django_assert_max_num_queries(8):
        assert manager_client.get("/api/v1/stock/").json()["count"] == products
    with django_assert_max_num_queries(8):
        assert client.get("/inventory/moves/").status_code == 200
