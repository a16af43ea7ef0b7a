"""The returns report (退货追究制): returns whose goods came back, by cause,
product, customer and month, on the page, as CSV and XLSX (the one export
helper) and in the API; the figures worked out again in plain Python from the
return lines."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from returns.enums import ReturnCause, ReturnStatus
from returns.models import ReturnLine
from returns.selectors import returns_report
from returns.services.return_applications import return_application_close
from salesadmin.clock import company_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def returns(world):
    """Closed with its cause: 2 oxygen (60.00). Received, cause not found yet:
    10 kg liquid oxygen and 1 argon (95.00). Only submitted: not counted."""
    closed = world.received(quantities=["2"])
    return_application_close(
        application=closed,
        user=world.manager,
        cause=ReturnCause.PRODUCTION,
        responsible="充装车间",
        corrective_action="更换密封圈",
    )
    world.received(quantities=["0", "10", "1"])
    world.submitted(quantities=["1"])


def expected(key) -> dict:
    """{key: (returns, quantity, value)} from the lines of returns received or closed."""
    counted: dict = defaultdict(set)
    quantity, value = defaultdict(Decimal), defaultdict(Decimal)
    lines = ReturnLine.objects.filter(
        application__status__in=[ReturnStatus.RECEIVED, ReturnStatus.CLOSED]
    ).select_related("application", "product", "application__customer")
    for line in lines:
        k = key(line)
        counted[k].add(line.application_id)
        quantity[k] += line.quantity
        value[k] += line.amount
    return {k: (len(counted[k]), quantity[k], value[k]) for k in counted}


def _month(line) -> str:
    return timezone.localtime(line.application.received_at).strftime("%Y-%m")


GROUPS = {
    "cause": lambda line: line.application.cause,
    "product": lambda line: str(line.product_id),
    "customer": lambda line: str(line.application.customer_id),
    "month": _month,
}


def test_each_grouping_matches_the_return_lines(world, returns):
    for group, key in GROUPS.items():
        rows = returns_report(group=group)
        assert {r.key: (r.returns, r.quantity, r.value) for r in rows} == expected(key), group
    by_cause = {r.key: r for r in returns_report(group="cause")}
    assert by_cause["production"].value == Decimal("60.00")
    assert by_cause[""].value == Decimal("95.00") and by_cause[""].label == "—"
    assert [r.value for r in returns_report(group="product")] == [
        Decimal("80.00"),
        Decimal("60.00"),
        Decimal("15.00"),
    ]


def test_dates_narrow_to_the_receipt_day(world, returns):
    today = company_today()
    assert returns_report(group="month", date_from=today, date_to=today)
    assert returns_report(group="month", date_to=today - dt.timedelta(days=1)) == []
    assert returns_report(group="month", date_from=today + dt.timedelta(days=1)) == []


def test_the_page_and_its_csv_and_xlsx(world, returns, client_for):
    manager = client_for(world.manager)
    page = manager.get("/returns/report/", {"group": "customer"})
    assert page.status_code == 200
    assert world.chain.customer.name in page.content.decode()

    answer = manager.get("/returns/report/", {"group": "product", "format": "csv"})
    assert answer["Content-Disposition"].endswith('returns-by-product.csv"')
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["Product", "Returns", "Quantity", "Value"]
    assert rows[-1][0] == "Total" and Decimal(rows[-1][3]) == Decimal("155.00")
    products = {p.pk: p for p in world.chain.products}
    by_label = {
        f"{products[int(k)].sku} {products[int(k)].name}": v[2]
        for k, v in expected(GROUPS["product"]).items()
    }
    assert {r[0]: Decimal(r[3]) for r in rows[1:-1]} == by_label

    sheet = load_workbook(
        io.BytesIO(manager.get("/returns/report/", {"group": "month", "format": "xlsx"}).content)
    ).active
    cells = list(sheet.values)
    assert cells[0] == ("Month", "Returns", "Quantity", "Value")
    assert cells[1][0] == company_today().strftime("%Y-%m") and cells[1][1] == 2
    assert isinstance(cells[1][3], float | int)

    # A date that does not exist is no filter, not an error.
    assert manager.get("/returns/report/", {"from": "2026-02-30"}).status_code == 200


def test_the_api(world, returns, api_for):
    body = api_for(world.manager).get("/api/v1/reports/returns/", {"group": "cause"}).json()
    assert {r["key"]: r["value"] for r in body} == {"production": "60.00", "": "95.00"}
    bad = api_for(world.manager).get("/api/v1/reports/returns/", {"group": "colour"})
    assert bad.status_code == 400 and bad.json()["code"]
    assert api_for(world.clerk).get("/api/v1/reports/returns/").status_code == 403
