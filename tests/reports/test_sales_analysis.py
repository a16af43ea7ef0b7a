"""The sales analysis: groups, filters and totals against plain Python; the
CSV and XLSX downloads carry the same rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from orders.models import DeliveryNote
from reports.enums import GroupBy
from reports.selectors import sales_analysis
from tests.reports.conftest import note_value, product_sales, sales_by, today

pytestmark = pytest.mark.django_db


def _query(**kwargs) -> sales_analysis.SalesQuery:
    return sales_analysis.SalesQuery(date_from=today(), date_to=today(), **kwargs)


def _analysis(q):
    return [sales_analysis.sales_row(q, r) for r in sales_analysis.sales_rows(q)]


def test_by_product_customer_and_salesperson(world, clerk):
    day = today()

    by_product = _analysis(_query(group_by=GroupBy.PRODUCT))
    by_customer = _analysis(_query(group_by=GroupBy.CUSTOMER))
    by_person = _analysis(_query(group_by=GroupBy.SALESPERSON))

    assert {r.key: (r.value, r.quantity) for r in by_product} == product_sales(day, day)
    assert {r.key: r.value for r in by_customer} == sales_by(day, day, lambda n: n.customer_id)
    assert {r.key: r.value for r in by_person} == sales_by(
        day, day, lambda n: n.customer.salesperson_id
    )
    assert {r.label for r in by_person} == {"clerk", "(no salesperson)"}


def test_by_day_and_month_follow_the_dispatch_day(world):
    moved = timezone.now() - dt.timedelta(days=40)
    DeliveryNote.objects.filter(pk=world.notes["exited"].pk).update(dispatched_at=moved)
    first = today() - dt.timedelta(days=60)
    q = sales_analysis.SalesQuery(date_from=first, date_to=today(), group_by=GroupBy.DAY)

    days = {r.key: r.value for r in _analysis(q)}
    months = _analysis(
        sales_analysis.SalesQuery(date_from=first, date_to=today(), group_by=GroupBy.MONTH)
    )

    expected = sales_by(first, today(), lambda n: timezone.localtime(n.dispatched_at).date())
    assert days == expected
    assert sum(r.value for r in months) == sum(expected.values())
    assert [r.label for r in months] == sorted(r.label for r in months)


def test_filters_narrow_and_totals_add_up(world, clerk):
    chain = world.chain
    product = chain.products[1]  # weighed: loaded short on one note

    q = _query(group_by=GroupBy.CUSTOMER, product_id=product.pk)
    rows = _analysis(q)
    totals = sales_analysis.sales_totals(q)

    expected = product_sales(today(), today())[product.pk]
    assert (totals["value"], totals["quantity"]) == expected
    assert sum(r.value for r in rows) == totals["value"]
    only_other = _analysis(_query(group_by=GroupBy.PRODUCT, customer_id=world.other_customer.pk))
    assert sum(r.value for r in only_other) == note_value(world.notes["other"])
    by_person = sales_analysis.sales_totals(_query(salesperson=clerk.pk))
    nobody = sales_analysis.sales_totals(_query(salesperson="none"))
    everyone = sales_analysis.sales_totals(_query())
    assert by_person["value"] == note_value(world.notes["other"])
    assert by_person["value"] + nobody["value"] == everyone["value"]


def test_page_shows_rows_and_exports_csv_and_xlsx(world, manager, client_for):
    client = client_for(manager)
    day = today().isoformat()
    url = f"/reports/sales/?date_from={day}&date_to={day}&group_by=customer"

    page = client.get(url)
    csv_response = client.get(url + "&export=csv")
    xlsx_response = client.get(url + "&export=xlsx")

    assert page.status_code == 200
    assert world.other_customer.name in page.content.decode()
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Customer",
        "Code",
        "Delivery notes",
        "Gross sales",
        "Returns",
        "Allowances",
        "Net sales",
    ]
    expected = sales_by(today(), today(), lambda n: n.customer.name)
    assert {r[0]: Decimal(r[6]) for r in rows[1:]} == expected  # nothing returned: net = gross
    assert {r[0]: Decimal(r[3]) for r in rows[1:]} == expected
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    cells = list(sheet.values)
    assert cells[0] == tuple(rows[0])
    assert {r[0]: Decimal(str(r[3])) for r in cells[1:]} == expected
    assert isinstance(cells[1][3], float | int)  # a number in the sheet, not text


def test_unknown_customer_code_is_an_error_on_the_form(manager, client_for):
    response = client_for(manager).get("/reports/sales/?customer=NOPE")

    assert response.status_code == 200
    assert "No customer has this code." in response.content.decode()


def test_page_query_count_is_fixed(world, manager, client_for, django_assert_max_num_queries):
    client = client_for(manager)
    # 14: the grouped menu's roles and its work count (issue 12), fixed.
    with django_assert_max_num_queries(14):
        assert client.get("/reports/sales/?group_by=product").status_code == 200
