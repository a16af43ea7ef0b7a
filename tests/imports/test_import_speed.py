"""A 10,000-row file imports in well under a minute (issue 12): the checks read
with a few set-based queries and the writes are bulk inserts and updates, so
the time grows with the rows' parsing, not with a query or two per row."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest

from customers.models import Customer
from finance.models import CustomerBalance
from inventory.models import StockLevel
from portal.imports import BY_KEY, import_file
from salesadmin.clock import company_today
from tests.factories import WarehouseFactory
from tests.imports.sheets import csv_bytes, xlsx

pytestmark = pytest.mark.django_db

ROWS = 10_000
BUDGET = 60.0  # seconds, per real run (the figure)


def timed(kind, content, user, name):
    start = time.perf_counter()
    result = import_file(
        kind=BY_KEY[kind], content=content, filename=name, user=user, dry_run=False
    )
    elapsed = time.perf_counter() - start
    assert result.imported, result.errors[:5]
    print(f"{kind}: {ROWS} rows in {elapsed:.1f}s")
    return elapsed


def test_ten_thousand_rows_of_each_big_kind_import_within_a_minute(manager, finance, keeper):
    WarehouseFactory(code="WH1")
    today = company_today()
    customers = xlsx(
        ["code", "name", "trading_since", "contact_name", "contact_phone"],
        [[f"C{n:05d}", f"客户{n}", dt.date(2020, 1, 1), f"联系人{n}", "138"] for n in range(ROWS)],
    )
    assert timed("customers", customers, manager, "c.xlsx") < BUDGET
    products = csv_bytes(
        ["sku", "name", "unit"], [[f"P{n:05d}", f"产品{n}", "kg"] for n in range(ROWS)]
    )
    assert timed("products", products, manager, "p.csv") < BUDGET
    stock = csv_bytes(
        ["warehouse", "sku", "batch", "produced_on", "quantity"],
        [["WH1", f"P{n:05d}", f"B{n}", "2025-12-01", "10"] for n in range(ROWS)],
    )
    assert timed("opening_stock", stock, keeper, "s.csv") < BUDGET
    receivables = xlsx(
        ["customer", "invoice_number", "invoice_date", "due_date", "amount"],
        [[f"C{n:05d}", f"F{n}", today, today, "100.00"] for n in range(ROWS)],
    )
    assert timed("opening_receivables", receivables, finance, "r.xlsx") < BUDGET

    assert Customer.objects.count() == ROWS
    assert StockLevel.objects.filter(on_hand=Decimal("10.000")).count() == ROWS
    assert CustomerBalance.objects.filter(balance=Decimal("100.00")).count() == ROWS
