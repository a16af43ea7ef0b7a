"""Payments and a customer's account through HTTP (finance)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from finance.enums import EntryKind, PaymentMethod
from finance.models import ReceivableEntry
from finance.services import payment_record
from tests.factories import CustomerFactory

ROLES = ("clerk", "finance", "keeper", "guard", "manager")


def _payment(customer, **overrides):
    data = {
        "customer": customer.pk,
        "amount": "500.00",
        "method": PaymentMethod.BANK_TRANSFER,
        "reference": "ICBC-20260105-001",
        "entry_date": "2026-01-05",
        "note": "到款",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ROLES)
def test_payment_pages_are_finances(role, personas, client_for):
    customer = CustomerFactory()
    client = client_for(personas[role])
    allowed = role in ("finance", "manager")
    for url in (
        "/finance/payments/",
        "/finance/payments/new/",
        f"/finance/customers/{customer.pk}/",
    ):
        assert client.get(url).status_code == (200 if allowed else 403), url


def test_guard_cannot_record_a_payment(guard, client_for):
    customer = CustomerFactory()
    response = client_for(guard).post("/finance/payments/new/", _payment(customer))
    assert response.status_code == 403
    assert not ReceivableEntry.objects.exists()


def test_finance_records_a_payment(finance, client_for):
    customer = CustomerFactory(name="湖州某某气体")
    client = client_for(finance)

    response = client.post("/finance/payments/new/", _payment(customer))

    assert response.status_code == 302 and response["Location"] == "/finance/payments/"
    entry = ReceivableEntry.objects.get()
    assert (entry.kind, entry.amount, entry.reference, entry.created_by) == (
        EntryKind.PAYMENT,
        Decimal("-500.00"),
        "ICBC-20260105-001",
        finance,
    )
    listing = client.get("/finance/payments/")
    assert [p.pk for p in listing.context["page"].object_list] == [entry.pk]
    assert listing.context["page"].object_list[0].received == Decimal("500.00")
    assert "湖州某某气体" in listing.content.decode()


def test_a_duplicate_bank_reference_is_refused(finance, client_for):
    first, second = CustomerFactory(), CustomerFactory()
    client = client_for(finance)
    client.post("/finance/payments/new/", _payment(first))

    response = client.post("/finance/payments/new/", _payment(second, amount="80.00"))

    assert response.status_code == 200
    assert "already recorded" in " ".join(response.context["form"].errors["reference"])
    assert ReceivableEntry.objects.count() == 1


def test_a_negative_amount_books_nothing(finance, client_for):
    customer = CustomerFactory()
    response = client_for(finance).post("/finance/payments/new/", _payment(customer, amount="-5"))
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert not ReceivableEntry.objects.exists()


def test_after_a_payment_finance_goes_back_to_the_note_but_never_off_site(finance, client_for):
    customer = CustomerFactory()
    client = client_for(finance)
    back = client.post(
        "/finance/payments/new/", _payment(customer, reference="A1", next="/orders/notes/7/")
    )
    assert back["Location"] == "/orders/notes/7/"
    away = client.post(
        "/finance/payments/new/", _payment(customer, reference="A2", next="https://evil.example/")
    )
    assert away["Location"] == "/finance/payments/"


def test_customer_account_shows_the_running_balance(finance, client_for, chain):
    payment_record(customer=chain.customer, amount=Decimal("1000"), user=finance, reference="P1")
    note = chain.dispatched()  # charges 850.00

    response = client_for(finance).get(f"/finance/customers/{chain.customer.pk}/")

    entries = response.context["page"].object_list  # newest first
    assert [(e.kind, e.running_balance) for e in entries] == [
        (EntryKind.CHARGE, Decimal("-150.00")),
        (EntryKind.PAYMENT, Decimal("-1000.00")),
    ]
    picture = response.context["summary"]
    assert picture.balance == Decimal("-150.00")
    assert picture.allowance == Decimal("100000.00")
    body = response.content.decode()
    assert note.number in body and "-150.00" in body


def test_customer_account_counts_stamped_notes_not_yet_loaded(finance, client_for, chain):
    chain.stamped()
    picture = client_for(finance).get(f"/finance/customers/{chain.customer.pk}/").context["summary"]
    assert picture.pending == Decimal("850.00")
    assert picture.exposure == Decimal("850.00")


@pytest.mark.parametrize("payments", [3, 30])
def test_payment_list_query_count_does_not_grow(
    payments, finance, client_for, django_assert_max_num_queries
):
    customer = CustomerFactory()
    for i in range(payments):
        payment_record(customer=customer, amount=Decimal("10"), user=finance, reference=f"R{i}")
    client = client_for(finance)
    with django_assert_max_num_queries(8):
        response = client.get("/finance/payments/")
    assert len(response.context["page"].object_list) == payments
