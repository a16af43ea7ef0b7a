"""Payments received and a customer's receivable account over the API."""

from __future__ import annotations

from decimal import Decimal

import pytest

from finance.enums import EntryKind
from finance.models import ReceivableEntry
from finance.services import payment_record
from tests.factories import CustomerFactory

PAYMENTS = "/api/v1/payments/"


def payment(who, **changes):
    return {
        "customer": who.pk,
        "amount": "1500.00",
        "method": "bank_transfer",
        "reference": "ICBC-20260105-001",
        "date": "2026-01-05",
        "note": "for January",
        **changes,
    }


def test_finance_records_a_payment(chain, api_for):
    response = api_for(chain.finance).post(PAYMENTS, payment(chain.customer), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["amount"], body["reference"], body["date"], body["recorded_by"]) == (
        "1500.00",
        "ICBC-20260105-001",
        "2026-01-05",
        "finance",
    )
    entry = ReceivableEntry.objects.get(pk=body["id"])
    assert (entry.kind, entry.amount) == (EntryKind.PAYMENT, Decimal("-1500.00"))


def test_a_reference_is_booked_only_once(chain, api_for):
    client = api_for(chain.finance)
    client.post(PAYMENTS, payment(chain.customer), format="json")

    again = client.post(PAYMENTS, payment(chain.customer, amount="10.00"), format="json")

    assert again.status_code == 400
    assert again.json()["code"] == "duplicate_reference"
    assert ReceivableEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"amount": "-100.00"}, "invalid_amount"),
        ({"amount": "0"}, "invalid_amount"),
        ({"amount": "abc"}, "invalid"),
        ({"amount": "1.005"}, "invalid"),
        ({"amount": None}, "invalid"),
        ({"method": "bitcoin"}, "invalid"),
        ({"date": "2026-02-30"}, "invalid"),
        ({"customer": 999999}, "invalid"),
        ({"reference": "R" * 61}, "invalid"),
        ({"kind": "credit_note"}, "invalid"),
    ],
)
def test_a_bad_payment_is_refused_with_a_reason(chain, api_for, changes, code):
    response = api_for(chain.finance).post(
        PAYMENTS, payment(chain.customer, **changes), format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert not ReceivableEntry.objects.filter(kind=EntryKind.PAYMENT).exists()


def test_a_payment_without_amount_is_refused(chain, api_for):
    body = payment(chain.customer)
    del body["amount"]

    response = api_for(chain.finance).post(PAYMENTS, body, format="json")

    assert response.status_code == 400
    assert "amount" in response.json()["fields"]


@pytest.mark.parametrize("role", ["clerk", "keeper", "guard"])
def test_only_finance_records_payments(chain, api_for, personas, role):
    response = api_for(personas[role]).post(PAYMENTS, payment(chain.customer), format="json")

    assert response.status_code == 403
    assert not ReceivableEntry.objects.exists()


def test_payments_list_shows_amounts_received_and_filters(chain, api_for):
    other = CustomerFactory()
    payment_record(customer=chain.customer, amount="100.00", user=chain.finance, reference="A")
    payment_record(customer=other, amount="200.00", user=chain.finance, reference="B")
    client = api_for(chain.manager)

    everything = client.get(PAYMENTS).json()
    theirs = client.get(PAYMENTS, {"customer": other.pk}).json()

    assert everything["count"] == 2
    assert sorted(p["amount"] for p in everything["results"]) == ["100.00", "200.00"]
    assert [p["reference"] for p in theirs["results"]] == ["B"]


def test_the_account_shows_balance_credit_and_exposure(chain, api_for):
    chain.dispatched()  # charged 850.00
    chain.stamped(chain.note(chain.order(("1",), submit=True)))  # 30.00 promised
    payment_record(customer=chain.customer, amount="50.00", user=chain.finance, reference="X")

    response = api_for(chain.finance).get(f"/api/v1/customers/{chain.customer.pk}/account/")

    assert response.status_code == 200
    body = response.json()
    assert body["customer"]["name"] == "安吉县保密客户有限公司"
    assert (body["balance"], body["pending_stamped"], body["exposure"]) == (
        "800.00",
        "30.00",
        "830.00",
    )
    assert body["credit_allowance"] == "100000.00"
    # newest first
    assert [(e["kind"], e["amount"]) for e in body["entries"]] == [
        ("payment", "-50.00"),
        ("charge", "850.00"),
    ]


def test_the_account_of_an_unknown_customer_is_404(chain, api_for):
    response = api_for(chain.finance).get("/api/v1/customers/999999/account/")

    assert response.status_code == 404


@pytest.mark.parametrize("role", ["clerk", "keeper", "guard"])
def test_the_account_is_for_finance_and_managers(chain, api_for, personas, role):
    response = api_for(personas[role]).get(f"/api/v1/customers/{chain.customer.pk}/account/")

    assert response.status_code == 403
