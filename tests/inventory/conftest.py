"""Stock fixtures: one product in one warehouse with one batch, and a way to put stock in."""

from __future__ import annotations

import pytest

from tests.chain import receive_stock
from tests.factories import BatchFactory, ProductFactory, WarehouseFactory


@pytest.fixture
def product(db):
    return ProductFactory()


@pytest.fixture
def warehouse(db):
    return WarehouseFactory()


@pytest.fixture
def batch(product):
    return BatchFactory(product=product)


@pytest.fixture
def receive(keeper):
    """``receive(product, warehouse, batch, qty)`` books a production receipt."""

    def do(product, warehouse, batch, qty):
        return receive_stock(
            product=product,
            warehouse=warehouse,
            batch=batch,
            quantity=qty,
            user=keeper,
            reference=batch.number,
        )

    return do
