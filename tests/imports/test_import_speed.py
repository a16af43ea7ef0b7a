"""An import's queries do not grow with its rows (issue 12): the checks read
with a few set-based queries and the writes are bulk inserts and updates, so a
10,000-row file costs what its parsing costs. Measured, not timed here:
``bench/import_speed.py`` prints the seconds per kind at 10,000 rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import Customer
from finance.models import CustomerBalance
from inventory.models import StockLevel
from portal.imports import BY_KEY, import_file
from salesadmin.clock import company_today
from tests.factories import WarehouseFactory
from tests.imports.sheets import first_day_files

pytestmark = pytest.mark.django_db

USERS = {"customers": "manager", "products": "manager", "opening_stock": "keeper"}


def _queries(kind, name, content, user) -> int:
    with CaptureQueriesContext(connection) as ctx:
        result = import_file(
            kind=BY_KEY[kind], content=content, filename=name, user=user, dry_run=False
        )
    assert result.imported, result.errors[:5]
    return len(ctx)


def test_an_imports_queries_stay_flat_from_20_to_400_rows(manager, finance, keeper):
    WarehouseFactory(code="WH1")
    people = {"manager": manager, "keeper": keeper}
    counts = {}
    for rows, prefix in ((20, "S"), (400, "L")):
        for kind, name, content in first_day_files(
            rows, prefix, warehouse="WH1", today=company_today()
        ):
            user = people[USERS[kind]] if kind in USERS else finance
            counts[kind, rows] = _queries(kind, name, content, user)

    for kind in ("customers", "products", "opening_stock", "opening_receivables"):
        # A query per row would add 380; batches of inserts may add a few.
        assert counts[kind, 400] - counts[kind, 20] <= 4, (kind, counts)
    assert Customer.objects.count() == 420
    assert StockLevel.objects.filter(on_hand=Decimal("10.000")).count() == 420
    assert CustomerBalance.objects.filter(balance=Decimal("100.00")).count() == 420
