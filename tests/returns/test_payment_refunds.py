"""A refund (退款) can pay back any prepayment: the rest of a credit note (its
own page) or of a payment, from the customer's account page or the API. Only
finance; never more than is left; a bank reference, once; only the customer's
own money."""

from __future__ import annotations

from decimal import Decimal

import pytest

from finance.allocation import prepayment_balance
from finance.models import Refund
from finance.services import payment_record
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_ahead(world):
    """500.00 paid in with nothing to settle; a return's credit of 60.00 as well."""
    customer = world.chain.customer
    payment = payment_record(
        customer=customer, amount="500.00", user=world.finance, reference="B-1"
    )
    world.received(world.approved(world.inspected(world.submitted(world.filed()))))
    # Nothing is invoiced yet: the payment and the credit are both prepayment.
    assert prepayment_balance(customer_id=customer.pk) == Decimal("560.00")
    return payment


def test_the_account_page_pays_back_a_payments_rest(world, paid_ahead, client_for):
    customer = world.chain.customer
    finance = client_for(world.finance)
    url = f"/finance/customers/{customer.pk}/"

    page = finance.get(url).content.decode()
    assert 'id="refund"' in page and f'value="{paid_ahead.pk}"' in page
    assert 'id="refund"' not in client_for(world.manager).get(url).content.decode()

    over = finance.post(
        url + "refund/", {"source": paid_ahead.pk, "amount": "900", "reference": "R"}
    )
    assert over.status_code == 400 and 'id="refund-error"' in over.content.decode()
    no_ref = finance.post(
        url + "refund/", {"source": paid_ahead.pk, "amount": "1", "reference": ""}
    )
    assert no_ref.status_code == 400
    done = finance.post(
        url + "refund/", {"source": paid_ahead.pk, "amount": "200.00", "reference": "R-1"}
    )
    assert done.status_code == 302 and done["Location"] == url
    refund = Refund.objects.get()
    assert (refund.source_id, refund.amount) == (paid_ahead.pk, Decimal("200.00"))
    assert prepayment_balance(customer_id=customer.pk) == Decimal("360.00")
    assert (
        finance.post(
            url + "refund/", {"source": paid_ahead.pk, "amount": "1", "reference": "R-1"}
        ).status_code
        == 400
    )  # the reference once

    # Someone else's payment is not this customer's money.
    other = CustomerFactory()
    theirs = payment_record(customer=other, amount="50.00", user=world.finance, reference="B-2")
    assert (
        finance.post(url + "refund/", {"source": theirs.pk, "amount": "1", "reference": "R-9"})
    ).status_code == 400
    for role in (world.clerk, world.manager, world.keeper):
        assert (
            client_for(role)
            .post(url + "refund/", {"source": paid_ahead.pk, "amount": "1", "reference": "R-8"})
            .status_code
            == 403
        )
    assert Refund.objects.count() == 1


def test_the_api_pays_back_a_payments_rest(world, paid_ahead, api_for):
    url = f"/api/v1/payments/{paid_ahead.pk}/refund/"
    done = api_for(world.finance).post(url, {"amount": "120.00", "reference": "R-5"}, format="json")
    assert done.status_code == 201, done.json()
    assert done.json()["left"] == "380.00" and done.json()["payment"] == paid_ahead.pk

    over = api_for(world.finance).post(url, {"amount": "380.01", "reference": "R-6"}, format="json")
    assert (over.status_code, over.json()["code"]) == (400, "over_refund")
    again = api_for(world.finance).post(url, {"amount": "1", "reference": "R-5"}, format="json")
    assert (again.status_code, again.json()["code"]) == (400, "duplicate_reference")
    denied = api_for(world.clerk).post(url, {"amount": "1", "reference": "R-7"}, format="json")
    assert denied.status_code == 403
    missing = api_for(world.finance).post(
        "/api/v1/payments/999999/refund/", {"amount": "1", "reference": "R-8"}, format="json"
    )
    assert missing.status_code == 404
