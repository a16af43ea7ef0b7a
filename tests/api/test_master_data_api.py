"""Master data and the import over the API: the same services and roles as
the pages, history kept, refusals as 4xx with a code."""

from __future__ import annotations

import pytest

from inventory.models import Location, Product, Warehouse
from orders.models import PriceList
from salesadmin.models import MasterDataChange
from tests.factories import ProductFactory, WarehouseFactory
from tests.imports.sheets import xlsx

pytestmark = pytest.mark.django_db


def test_the_manager_adds_and_changes_a_product_with_history(api_for, manager, clerk):
    api = api_for(manager)
    created = api.post(
        "/api/v1/products/", {"sku": "P1", "name": "Oxygen", "unit": "cyl"}, format="json"
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    changed = api.patch(f"/api/v1/products/{pk}/", {"safety_stock": "12.5"}, format="json")
    assert changed.status_code == 200
    assert MasterDataChange.objects.filter(
        record_type="product", record_id=pk, field="safety_stock", new_value="12.5"
    ).exists()
    assert api_for(clerk).get("/api/v1/products/?q=oxy").json()["results"][0]["sku"] == "P1"
    refused = api_for(clerk).patch(f"/api/v1/products/{pk}/", {"name": "X"}, format="json")
    assert refused.status_code == 403
    duplicate = api.post(
        "/api/v1/products/", {"sku": "P1", "name": "Again", "unit": "cyl"}, format="json"
    )
    assert (duplicate.status_code, duplicate.json()["code"]) == (400, "invalid")
    assert Product.objects.count() == 1


def test_warehouses_and_locations(api_for, manager, keeper):
    api = api_for(manager)
    warehouse = api.post("/api/v1/warehouses/", {"code": "W1", "name": "Main"}, format="json")
    assert warehouse.status_code == 201
    wid = warehouse.json()["id"]
    location = api.post(
        "/api/v1/locations/", {"warehouse": wid, "code": "A-01", "name": "Bay"}, format="json"
    )
    assert location.status_code == 201, location.content
    lid = location.json()["id"]
    assert (
        api.patch(f"/api/v1/locations/{lid}/", {"active": False}, format="json").json()["active"]
        is False
    )
    reader = api_for(keeper)
    assert reader.get("/api/v1/locations/").status_code == 200
    assert reader.get(f"/api/v1/warehouses/{wid}/").status_code == 200
    assert (
        reader.post("/api/v1/warehouses/", {"code": "W2", "name": "x"}, format="json").status_code
        == 403
    )
    assert (
        reader.post(
            "/api/v1/locations/", {"warehouse": wid, "code": "B", "name": "x"}, format="json"
        ).status_code
        == 403
    )
    held = WarehouseFactory(holds_for=Warehouse.objects.get(pk=wid))
    refused = api.post(
        "/api/v1/locations/", {"warehouse": held.pk, "code": "H", "name": "x"}, format="json"
    )
    assert (refused.status_code, refused.json()["code"]) == (400, "warehouse_is_held")
    assert Location.objects.count() == 1


def test_price_lists(api_for, manager, clerk):
    product = ProductFactory()
    api = api_for(manager)
    created = api.post(
        "/api/v1/price-lists/",
        {"code": "PL1", "name": "Standard", "valid_from": "2026-01-01"},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    item = api.post(
        f"/api/v1/price-lists/{pk}/items/",
        {"product": product.pk, "standard_price": "100.00", "minimum_price": "90.00"},
        format="json",
    )
    assert item.status_code == 200, item.content
    assert item.json()["items"][0]["standard_price"] == "100.00"
    too_high = api.post(
        f"/api/v1/price-lists/{pk}/items/",
        {"product": product.pk, "standard_price": "100.00", "minimum_price": "120.00"},
        format="json",
    )
    assert too_high.status_code == 400
    renamed = api.patch(f"/api/v1/price-lists/{pk}/", {"name": "Standard 2026"}, format="json")
    assert renamed.json()["name"] == "Standard 2026"
    reader = api_for(clerk)
    assert reader.get(f"/api/v1/price-lists/{pk}/").status_code == 200
    assert (
        reader.post(
            f"/api/v1/price-lists/{pk}/items/",
            {"product": product.pk, "standard_price": "1.00"},
            format="json",
        ).status_code
        == 403
    )
    assert PriceList.objects.get().name == "Standard 2026"


def _upload(content: bytes, name="products.xlsx"):
    import io

    file = io.BytesIO(content)
    file.name = name
    return file


def test_the_import_api_dry_runs_then_imports(api_for, manager, clerk, guard):
    good = xlsx(["sku", "name", "unit"], [["P1", "氧气", "cyl"], ["P2", "氮气", "cyl"]])
    api = api_for(manager)
    kinds = api.get("/api/v1/imports/").json()
    assert "products" in [k["key"] for k in kinds]
    checked = api.post("/api/v1/imports/products/", {"file": _upload(good)}, format="multipart")
    assert checked.status_code == 200, checked.content
    assert (checked.json()["dry_run"], checked.json()["created"]) == (True, 2)
    assert not Product.objects.exists()
    done = api.post(
        "/api/v1/imports/products/",
        {"file": _upload(good), "dry_run": "false"},
        format="multipart",
    )
    assert done.status_code == 200 and done.json()["dry_run"] is False
    assert Product.objects.count() == 2
    bad = xlsx(["sku", "name", "unit"], [["P3", "", "cyl"], ["P4", "x", "box"]])
    refused = api.post(
        "/api/v1/imports/products/", {"file": _upload(bad), "dry_run": "false"}, format="multipart"
    )
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "bad_rows"
    assert {(e["row"], e["column"]) for e in body["errors"]} == {(2, "name"), (3, "unit")}
    assert Product.objects.count() == 2
    assert (
        api_for(clerk)
        .post("/api/v1/imports/products/", {"file": _upload(good)}, format="multipart")
        .status_code
        == 403
    )
    assert api_for(guard).get("/api/v1/imports/").status_code == 403
    assert api.post("/api/v1/imports/nothing/", {"file": _upload(good)}).status_code == 404
    assert api_for().get("/api/v1/imports/").status_code == 401


def test_master_lists_keep_their_query_count(api_for, manager, django_assert_max_num_queries):
    ProductFactory.create_batch(40)
    api = api_for(manager)
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/products/").status_code == 200
