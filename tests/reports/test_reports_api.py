"""The reports API: manager only, the same figures as the pages, documented."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from reports.selectors import dashboard_report, definitions
from tests.reports.conftest import sales_by, today

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v1/reports/dashboard/",
    "/api/v1/reports/sales/",
    "/api/v1/reports/reconciliation/",
]


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("role", ["clerk", "finance", "keeper", "guard"])
def test_only_managers_may_read_reports(url, role, request):
    response = _api(request.getfixturevalue(role)).get(url)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_callers_get_401(url):
    assert APIClient().get(url).status_code == 401


def test_dashboard_api_gives_the_page_figures(world, manager):
    body = _api(manager).get("/api/v1/reports/dashboard/?period=today").json()

    page = dashboard_report.dashboard(period="today")
    assert Decimal(body["totals"]["sales"]) == page.totals["sales"]
    assert Decimal(body["sales_today"]["sales"]) == page.sales_today.sales
    assert {s["status"]: s["count"] for s in body["pipeline"]["stages"]} == {
        s.status: s.count for s in page.pipeline.stages
    }
    assert body["approvals"]["count"] == 1
    assert len(body["trend"]) == definitions.TREND_DAYS
    assert [r["id"] for r in body["top_customers"]] == [r.key for r in page.top_customers]


def test_sales_api_groups_and_filters(world, manager):
    day = today().isoformat()
    client = _api(manager)

    body = client.get(f"/api/v1/reports/sales/?date_from={day}&group_by=customer").json()
    bad = client.get("/api/v1/reports/sales/?group_by=planet")

    expected = sales_by(today(), today(), lambda n: n.customer_id)
    assert {int(r["id"]): Decimal(r["value"]) for r in body["rows"]} == expected
    assert Decimal(body["totals"]["value"]) == sum(expected.values())
    assert body["truncated"] is False
    assert bad.status_code == 400


def test_reconciliation_api_lists_the_products_and_mismatches(world, manager):
    body = _api(manager).get(f"/api/v1/reports/reconciliation/?month={today():%Y-%m}").json()

    assert body["mismatches"] == []
    assert {p["product_id"] for p in body["products"]} == {p.pk for p in world.chain.products}


def test_reports_are_in_the_openapi_schema(manager, client_for):
    schema = client_for(manager).get("/api/schema/").content.decode()

    for url in ENDPOINTS:
        assert url in schema


@pytest.mark.parametrize("url", ENDPOINTS)
def test_api_query_count_is_fixed(url, world, manager, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        assert _api(manager).get(url).status_code == 200
