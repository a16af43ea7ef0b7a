"""Products and warehouses in the browser: the manager owns them, every change
is in the history (who, when, old → new), lists search, filter and export."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from inventory.master_data import (
    product_create,
    product_update,
    warehouse_create,
    warehouse_update,
)
from inventory.models import Product, Warehouse
from salesadmin.errors import ApplicationError
from salesadmin.models import MasterDataChange
from tests.chain import receive_stock
from tests.factories import ProductFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

NEW_PRODUCT = {
    "sku": "O2-40L",
    "name": "工业氧气",
    "specification": "40L",
    "unit": "cyl",
    "standard": "GB/T 3863",
    "unit_weight": "6.5",
    "safety_stock": "50",
    "weighed": "",
    "active": "on",
}


def changes(record_type, pk):
    return list(
        MasterDataChange.objects.filter(record_type=record_type, record_id=pk)
        .order_by("id")
        .values_list("field", "old_value", "new_value", "user__username")
    )


# --- services -----------------------------------------------------------------------------


def test_a_new_product_is_in_the_history_field_by_field(manager):
    product = product_create(user=manager, sku="P1", name="Oxygen", unit="cyl")
    rows = changes("product", product.pk)
    assert ("sku", "", "P1", "manager") in rows
    assert ("name", "", "Oxygen", "manager") in rows
    assert ("active", "", "yes", "manager") in rows


def test_a_change_keeps_who_old_and_new_and_only_what_changed(manager):
    product = ProductFactory(sku="P1", safety_stock=Decimal("10"))
    product_update(product=product, user=manager, safety_stock=Decimal("25.500"), name=product.name)
    assert changes("product", product.pk) == [("safety_stock", "10", "25.5", "manager")]


def test_only_a_manager_keeps_products_and_warehouses(clerk, keeper):
    product = ProductFactory()
    warehouse = WarehouseFactory()
    with pytest.raises(PermissionDenied):
        product_create(user=clerk, sku="X", name="X", unit="kg")
    with pytest.raises(PermissionDenied):
        product_update(product=product, user=clerk, name="Y")
    with pytest.raises(PermissionDenied):
        warehouse_create(user=keeper, code="W", name="W")
    with pytest.raises(PermissionDenied):
        warehouse_update(warehouse=warehouse, user=keeper, name="Y")
    assert not MasterDataChange.objects.exists()


def test_the_unit_of_a_product_whose_stock_moved_cannot_change(manager, keeper):
    product = ProductFactory(unit="kg")
    warehouse = WarehouseFactory()
    receive_stock(product=product, warehouse=warehouse, quantity=5, user=keeper)
    with pytest.raises(ApplicationError) as refused:
        product_update(product=product, user=manager, unit="t")
    assert refused.value.code == "unit_in_use"
    assert Product.objects.get(pk=product.pk).unit == "kg"
    assert not MasterDataChange.objects.exists()


def test_a_duplicate_sku_is_refused_with_the_field(manager):
    ProductFactory(sku="P1")
    with pytest.raises(ApplicationError) as refused:
        product_create(user=manager, sku="P1", name="Again", unit="kg")
    assert refused.value.extra["field"] == "sku"


def test_a_warehouse_with_stock_cannot_close(manager, keeper):
    product = ProductFactory()
    warehouse = WarehouseFactory()
    receive_stock(product=product, warehouse=warehouse, quantity=5, user=keeper)
    with pytest.raises(ApplicationError) as refused:
        warehouse_update(warehouse=warehouse, user=manager, active=False)
    assert refused.value.code == "warehouse_has_stock"
    empty = WarehouseFactory()
    warehouse_update(warehouse=empty, user=manager, active=False)
    assert changes("warehouse", empty.pk) == [("active", "yes", "no", "manager")]


def test_the_history_cannot_be_edited(manager):
    from django.db import DatabaseError, transaction

    product = product_create(user=manager, sku="P1", name="Oxygen", unit="cyl")
    with pytest.raises(DatabaseError), transaction.atomic():
        MasterDataChange.objects.filter(record_id=product.pk).update(new_value="forged")


# --- pages --------------------------------------------------------------------------------


def test_the_manager_adds_and_changes_a_product_in_the_browser(client_for, manager):
    client = client_for(manager)
    response = client.post("/inventory/products/new/", NEW_PRODUCT)
    assert response.status_code == 302
    product = Product.objects.get(sku="O2-40L")
    assert product.unit_weight == Decimal("6.500")
    edited = dict(NEW_PRODUCT, safety_stock="80")
    assert client.post(f"/inventory/products/{product.pk}/", edited).status_code == 302
    page = client.get(f"/inventory/products/{product.pk}/")
    html = page.content.decode()
    assert 'id="history"' in html and "80" in html
    rows = page.context["history"]
    assert (rows[0].field_label, rows[0].old_shown, rows[0].new_shown) == (
        "safety stock",
        "50",
        "80",
    )


def test_a_refused_product_change_is_a_form_error(client_for, manager, keeper):
    ProductFactory(sku="TAKEN")
    response = client_for(manager).post("/inventory/products/new/", dict(NEW_PRODUCT, sku="TAKEN"))
    assert response.status_code == 400
    assert response.context["form"].errors["sku"]


def test_others_see_products_read_only_and_cannot_post(client_for, clerk, keeper):
    product = ProductFactory()
    client = client_for(clerk)
    page = client.get(f"/inventory/products/{product.pk}/")
    assert page.status_code == 200 and page.context["read_only"]
    assert client.post(f"/inventory/products/{product.pk}/", NEW_PRODUCT).status_code == 403
    assert client.get("/inventory/products/new/").status_code == 403
    assert client_for(keeper).get("/inventory/warehouses/new/").status_code == 403
    assert client_for(clerk).get("/inventory/warehouses/").status_code == 403


def test_the_product_list_searches_filters_and_exports(client_for, manager):
    ProductFactory(sku="O2-40L", name="氧气")
    ProductFactory(sku="N2-40L", name="氮气", unit="kg")
    ProductFactory(sku="OLD", name="旧氧气", active=False)
    client = client_for(manager)

    def skus(query):
        return [p.sku for p in client.get(f"/inventory/products/?{query}").context["products"]]

    assert skus("") == ["N2-40L", "O2-40L"]
    assert skus("q=氧") == ["O2-40L"]
    assert skus("q=氧&active=") == ["O2-40L", "OLD"]
    assert skus("active=0") == ["OLD"]
    assert skus("unit=kg") == ["N2-40L"]
    export = client.get("/inventory/products/?q=氧&export=csv")
    assert export.status_code == 200
    lines = export.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1].startswith("O2-40L,氧气")
    xlsx = client.get("/inventory/products/?export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("rows", [10, 200])
def test_the_product_list_query_count_does_not_grow(
    client_for, manager, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        ProductFactory()
    client = client_for(manager)
    with django_assert_max_num_queries(8):
        assert client.get("/inventory/products/").status_code == 200


def test_the_manager_keeps_warehouses_in_the_browser(client_for, manager):
    client = client_for(manager)
    response = client.post(
        "/inventory/warehouses/new/", {"code": "WH9", "name": "三号库", "active": "on"}
    )
    assert response.status_code == 302
    warehouse = Warehouse.objects.get(code="WH9")
    response = client.post(
        f"/inventory/warehouses/{warehouse.pk}/",
        {"code": "WH9", "name": "三号库", "address": "东区"},
    )
    assert response.status_code == 302
    assert [r[0] for r in changes("warehouse", warehouse.pk)][-2:] == ["address", "active"]
    assert client.get("/inventory/warehouses/?q=三号").context["warehouses"] == []  # inactive now
    assert [
        w.code for w in client.get("/inventory/warehouses/?q=三号&active=").context["warehouses"]
    ] == ["WH9"]
    export = client.get("/inventory/warehouses/?active=&export=csv")
    assert "WH9,三号库,东区" in export.content.decode("utf-8-sig")


def test_a_warehouse_with_stock_cannot_be_closed_in_the_browser(client_for, manager, keeper):
    product = ProductFactory()
    warehouse = WarehouseFactory(code="WH1", name="一号库")
    receive_stock(product=product, warehouse=warehouse, quantity=5, user=keeper)
    response = client_for(manager).post(
        f"/inventory/warehouses/{warehouse.pk}/", {"code": "WH1", "name": "一号库"}
    )
    assert response.status_code == 400
    assert "still holds stock" in response.content.decode()
    assert Warehouse.objects.get(pk=warehouse.pk).active
