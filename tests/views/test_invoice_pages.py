"""Receivables pages through HTTP: the customer account, invoices, payment
allocation by hand, notices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from finance.credit import credit_holds_review
from finance.enums import InvoiceStatus
from finance.models import PaymentAllocation, ReceivableEntry
from finance.services import payment_record
from notices.models import Notice
from tests.factories import CustomerFactory
from tests.finance.invoice_world import dispatched_on, invoice, monthly_customer

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def customer(clerk):
    return monthly_customer(clerk, name="Hangzhou Gas Co")


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_account_shows_invoices_prepayment_allocations_and_the_hold(
    customer, finance, client_for
):
    first = invoice(customer, "1000.00", due=D(2020, 1, 31))
    invoice(customer, "500.00", due=D(2999, 2, 28))
    payment_record(customer=customer, amount="400.00", user=finance, reference="BK-1")
    credit_holds_review()

    response = client_for(finance).get(f"/finance/customers/{customer.pk}/")

    body = response.content.decode()
    summary = response.context["summary"]
    assert (summary.open_invoices, summary.overdue, summary.prepayment) == (
        Decimal("1100.00"),
        Decimal("600.00"),
        Decimal("0.00"),
    )
    assert first.number in body and "BK-1" in body
    assert "On credit hold" in body and "more than one month overdue" in body
    assert [i.number for i in response.context["open_invoices"]][0] == first.number


def test_the_account_page_query_count_is_flat(customer, finance, client_for):
    client = client_for(finance)
    for i in range(3):
        invoice(customer, "10.00", due=D(2026, 1, 1 + i))
        payment_record(customer=customer, amount="10.00", user=finance, reference=f"A{i}")
    few = _count(client, f"/finance/customers/{customer.pk}/")
    for i in range(30):
        invoice(customer, "10.00", due=D(2026, 2, 1 + i % 28))
        payment_record(customer=customer, amount="7.00", user=finance, reference=f"B{i}")
    assert _count(client, f"/finance/customers/{customer.pk}/") <= few


def test_the_invoice_list_filters_and_stays_flat(customer, finance, client_for):
    client = client_for(finance)
    overdue = invoice(customer, "10.00", due=D(2020, 1, 1))
    later = invoice(CustomerFactory(), "10.00", due=D(2999, 1, 1))
    few = _count(client, "/finance/invoices/")
    for i in range(30):
        invoice(CustomerFactory(), "10.00", due=D(2026, 1, 1 + i % 28))
    assert _count(client, "/finance/invoices/") <= few

    page = client.get("/finance/invoices/?overdue=1").context["page"]
    numbers = [i.number for i in page.object_list]
    assert overdue.number in numbers and later.number not in numbers
    page = client.get(f"/finance/invoices/?customer={customer.pk}").context["page"]
    assert [i.number for i in page.object_list] == [overdue.number]


def test_official_number_and_void_on_the_detail_page(customer, finance, client_for):
    inv = invoice(customer, "100.00", due=D(2026, 1, 31))
    payment_record(customer=customer, amount="100.00", user=finance)
    client = client_for(finance)
    url = f"/finance/invoices/{inv.pk}/"

    client.post(url, {"action": "official_number", "official_number": "044001"})
    client.post(url, {"action": "void", "reason": ""})  # refused: no reason
    inv.refresh_from_db()
    assert (inv.official_number, inv.status) == ("044001", InvoiceStatus.PAID)

    response = client.post(url, {"action": "void", "reason": "wrong buyer"}, follow=True)
    inv.refresh_from_db()
    assert inv.status == InvoiceStatus.VOID
    body = response.content.decode()
    assert "wrong buyer" in body
    # The history in words, not the logged codes.
    assert "Official number recorded" in body and "Voided" in body
    assert "official_number:" not in body


def test_the_clerk_cannot_void_through_the_page(customer, clerk, client_for):
    inv = invoice(customer, "100.00", due=D(2026, 1, 31))
    response = client_for(clerk).post(
        f"/finance/invoices/{inv.pk}/", {"action": "void", "reason": "x"}
    )
    assert response.status_code == 403
    inv.refresh_from_db()
    assert inv.status == InvoiceStatus.OPEN


def _payment_post(customer, **extra):
    return {
        "customer": customer.pk,
        "amount": "300.00",
        "method": "bank_transfer",
        "reference": "HAND-1",
        "entry_date": "2026-03-01",
        "note": "",
        **extra,
    }


def test_a_payment_allocated_by_hand_on_the_page(customer, finance, client_for):
    old = invoice(customer, "100.00", due=D(2026, 1, 31))
    new = invoice(customer, "250.00", due=D(2026, 2, 28))
    client = client_for(finance)

    form = client.get(f"/finance/payments/new/?customer={customer.pk}").content.decode()
    assert f'name="alloc-{new.pk}"' in form

    client.post(
        "/finance/payments/new/",
        _payment_post(customer, allocation="hand", **{f"alloc-{new.pk}": "250.00"}),
    )

    allocations = PaymentAllocation.objects.all()
    assert [(a.invoice_id, a.amount) for a in allocations] == [(new.pk, Decimal("250.00"))]
    old.refresh_from_db()
    assert old.paid_amount == Decimal("0.00")


def test_an_over_allocation_on_the_page_records_nothing(customer, finance, client_for):
    inv = invoice(customer, "100.00", due=D(2026, 1, 31))

    response = client_for(finance).post(
        "/finance/payments/new/",
        _payment_post(customer, allocation="hand", **{f"alloc-{inv.pk}": "100.01"}),
    )

    assert response.status_code == 200
    assert "100.01 is too much" in response.content.decode()
    assert not ReceivableEntry.objects.filter(kind="payment").exists()


def test_the_open_invoices_partial(customer, finance, client_for):
    inv = invoice(customer, "100.00", due=D(2026, 1, 31))
    body = client_for(finance).get(f"/finance/payments/open-invoices/?customer={customer.pk}")
    assert inv.number in body.content.decode()


def test_finance_runs_the_invoicing_from_the_list(chain, client_for, clerk):
    note = chain.dispatched(chain.stamped(chain.note(chain.order(("10",)))))
    dispatched_on(note, D(2020, 5, 5))

    assert client_for(clerk).post("/finance/invoices/run/").status_code == 403
    response = client_for(chain.finance).post("/finance/invoices/run/", follow=True)

    assert "1 invoice(s) issued." in response.content.decode()


def test_notices_page_and_unread_count(customer, finance, clerk, client_for):
    payment_record(customer=customer, amount="88.00", user=finance, reference="N-1")
    client = client_for(clerk)

    page = client.get("/notices/").content.decode()
    assert "88.00" in page and "N-1" in page
    assert 'text-bg-warning">1<' in page  # the navbar's unread count

    client.post("/notices/read/")
    assert not Notice.objects.filter(recipient=clerk, read_at__isnull=True).exists()
    assert 'text-bg-warning">' not in client.get("/notices/").content.decode()


def test_a_user_marks_only_their_own_notice_read(finance, clerk, client_for):
    theirs = Notice.objects.create(recipient=finance, kind="x", message="Finance only")
    client_for(clerk).post("/notices/read/", {"notice": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None
