"""The aging, reminders and statements API: the same figures as the pages,
flat queries, refusals as 4xx."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from finance.enums import EntryKind
from finance.models import ReceivableEntry
from tests.factories import CustomerFactory
from tests.finance.invoice_world import overdue, sent_reminders

AS_OF = dt.date(2026, 6, 30)
pytestmark = pytest.mark.django_db


def test_aging_rows_buckets_and_totals(finance, api_for):
    a = CustomerFactory(code="A", name="甲")
    overdue(0, today=AS_OF, customer=a, amount=Decimal("100.00"))
    overdue(31, today=AS_OF, customer=a, amount=Decimal("200.00"), paid_amount=Decimal("0.50"))
    overdue(91, today=AS_OF, customer=CustomerFactory(code="B"), amount=Decimal("50.00"))

    body = api_for(finance).get("/api/v1/aging/", {"as_of": "2026-06-30"}).json()

    assert body["as_of"] == "2026-06-30"
    assert [r["customer"]["code"] for r in body["rows"]] == ["A", "B"]
    assert body["rows"][0]["buckets"] == {
        "current": "100.00",
        "days_1_30": "0.00",
        "days_31_60": "199.50",
        "days_61_90": "0.00",
        "over_90": "0.00",
    }
    assert body["totals"]["total"] == "349.50"
    assert body["totals"]["buckets"]["over_90"] == "50.00"
    assert body["totals"]["customers"] == 2


def test_a_bad_date_is_400(finance, api_for):
    response = api_for(finance).get("/api/v1/aging/", {"as_of": "yesterday"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_aging_is_flat_in_queries(finance, api_for, django_assert_max_num_queries):
    client = api_for(finance)
    client.get("/api/v1/aging/")  # the user's permissions are cached after the first call

    def load(n):
        for i in range(n):
            overdue(i * 5, today=AS_OF, customer=CustomerFactory())
        with django_assert_max_num_queries(6) as captured:
            assert client.get("/api/v1/aging/").status_code == 200
        return len(captured.captured_queries)

    assert load(3) == load(27)


def test_drill_down_by_bucket(finance, api_for):
    customer = CustomerFactory()
    overdue(45, today=AS_OF, customer=customer, number="INV-45")
    overdue(2, today=AS_OF, customer=customer, number="INV-2")

    body = (
        api_for(finance)
        .get(
            f"/api/v1/aging/customers/{customer.pk}/",
            {"as_of": "2026-06-30", "bucket": "days_31_60"},
        )
        .json()
    )

    assert [(i["number"], i["days_overdue"], i["bucket"]) for i in body["invoices"]] == [
        ("INV-45", 45, "days_31_60")
    ]
    bad = api_for(finance).get(f"/api/v1/aging/customers/{customer.pk}/", {"bucket": "x"})
    assert bad.status_code == 400


def test_reminders_list_filters_and_stays_flat(finance, api_for, django_assert_max_num_queries):
    client = api_for(finance)
    client.get("/api/v1/reminders/")  # the user's permissions are cached after the first call

    def load(n):
        customer = CustomerFactory()
        sent_reminders(customer, n, today=AS_OF)
        with django_assert_max_num_queries(8) as captured:
            body = client.get("/api/v1/reminders/", {"customer": customer.pk}).json()
        assert body["count"] == n
        return len(captured.captured_queries)

    assert load(3) == load(30)


def test_customer_statement_json_and_pdf(finance, api_for):
    customer = CustomerFactory(name="德清某某公司")
    ReceivableEntry.objects.create(
        customer=customer, kind=EntryKind.CHARGE, amount=Decimal("300.00"), entry_date=AS_OF
    )
    ReceivableEntry.objects.create(
        customer=customer,
        kind=EntryKind.PAYMENT,
        amount=Decimal("-120.00"),
        entry_date=AS_OF - dt.timedelta(days=40),
        reference="R-1",
    )
    client = api_for(finance)
    period = {"from": "2026-06-01", "to": "2026-06-30"}

    body = client.get(f"/api/v1/customers/{customer.pk}/statement/", period).json()
    pdf = client.get(f"/api/v1/customers/{customer.pk}/statement/pdf/", period)

    assert (body["opening"], body["closing"]) == ("-120.00", "180.00")
    assert [(m["kind"], m["amount"], m["balance"]) for m in body["movements"]] == [
        ("charge", "300.00", "180.00")
    ]
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_clerk_sees_none_of_it(clerk, api_for):
    client = api_for(clerk)
    for url in ("/api/v1/aging/", "/api/v1/reminders/", "/api/v1/statements/"):
        assert client.get(url).status_code == 403
