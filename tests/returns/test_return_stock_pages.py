"""Returned goods on the stock pages and in the three-way reconciliation: goods
that passed inspection are saleable again, goods that failed are held (their
own column, never available); the reconciliation shows the month's return
moves beside the three ways without upsetting them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inventory.models import StockLevel
from inventory.selectors import stock_overview
from reports.selectors.reconciliation_report import reconciliation
from returns.enums import InspectionResult
from returns.services.return_applications import return_application_approve
from salesadmin.clock import company_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(world):
    """Oxygen cylinders back: 2 failed inspection (held), 1 passed (saleable)."""
    failed = world.inspected(
        world.submitted(world.filed(quantities=["2"])), result=InspectionResult.FAILED
    )
    world.received(
        return_application_approve(application=failed, user=world.manager, comment="漏气")
    )
    world.received(world.approved(world.inspected(world.submitted(world.filed(quantities=["1"])))))
    return world.chain.products[0]


def _saleable(world, product) -> Decimal:
    level = StockLevel.objects.get(product=product, warehouse=world.chain.warehouse)
    return level.on_hand - level.reserved


def test_held_goods_have_their_own_column_and_are_never_available(world, returned, client_for):
    warehouse = world.chain.warehouse
    for warehouse_id in (None, warehouse.pk):
        row = stock_overview(warehouse_id=warehouse_id).get(pk=returned.pk)
        assert row.held_total == Decimal("2")
        assert row.available_total == _saleable(world, returned)

    page = client_for(world.keeper).get("/inventory/stock/", {"warehouse": warehouse.pk})
    body = page.content.decode()
    assert (
        "Held (failed inspection)" in body
        and 'class="num text-body-secondary held-stock">2<' in body
    )
    assert warehouse.held_location.name not in body  # not offered as a warehouse of its own
    assert 'id="return-moves-link"' in body

    api = client_for(world.keeper).get("/api/v1/stock/")
    item = next(i for i in api.json()["results"] if i["id"] == returned.pk)
    assert (item["held"], item["available"]) == ("2.000", f"{_saleable(world, returned):.3f}")


def test_the_moves_page_lists_return_moves(world, returned, client_for):
    body = client_for(world.keeper).get("/inventory/moves/", {"kind": "return"}).content.decode()
    assert body.count("RT20") >= 2
    assert world.chain.warehouse.held_location.name in body


def test_the_reconciliation_shows_the_months_return_moves(world, returned, client_for):
    rec = reconciliation(company_today())
    row = next(p for p in rec.products if p.product_id == returned.pk)
    assert (row.returned, row.held) == (Decimal("3"), Decimal("2"))
    assert row.balanced  # returns do not change what left

    manager = client_for(world.manager)
    page = manager.get("/reports/reconciliation/").content.decode()
    assert 'class="num return-moves">3<' in page
    api = manager.get("/api/v1/reports/reconciliation/").json()
    item = next(p for p in api["products"] if p["product_id"] == returned.pk)
    assert (item["returned"], item["held"]) == ("3.000", "2.000")
    csv = manager.get("/reports/reconciliation/", {"export": "csv"}).content.decode("utf-8-sig")
    assert "Return moves" in csv.splitlines()[0]
