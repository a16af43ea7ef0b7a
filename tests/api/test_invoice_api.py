"""Receivables over the API: payments with allocations, invoices, the ledger,
credit holds and notices; refusals are 4xx with a code, never 500."""

from __future__ import annotations

import datetime as dt

import pytest

from finance.credit import credit_holds_review
from finance.enums import InvoiceStatus
from finance.invoicing import invoice_void, invoices_issue_due
from finance.services import payment_record
from notices.models import Notice
from tests.api.test_api_query_counts import flat
from tests.factories import CustomerFactory
from tests.finance.invoice_world import dispatched_on, invoice, monthly_customer

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def customer(clerk):
    return monthly_customer(clerk)


def _pay(client, customer, amount, **extra):
    body = {"customer": customer.pk, "amount": amount, "reference": "", **extra}
    return client.post("/api/v1/payments/", body, format="json")


# --- payments -------------------------------------------------------------------------------


def test_a_payment_settles_the_oldest_invoice_by_default(customer, finance, api_for):
    old = invoice(customer, "100.00", due=D(2026, 1, 15))
    new = invoice(customer, "100.00", due=D(2026, 2, 15))

    response = _pay(api_for(finance), customer, "150.00", payer="Parent Group Ltd")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["payer"] == "Parent Group Ltd"
    assert [(a["invoice"], a["amount"]) for a in body["allocations"]] == [
        (old.pk, "100.00"),
        (new.pk, "50.00"),
    ]


def test_a_payment_allocated_by_hand(customer, finance, api_for):
    invoice(customer, "100.00", due=D(2026, 1, 15))
    new = invoice(customer, "100.00", due=D(2026, 2, 15))

    response = _pay(
        api_for(finance),
        customer,
        "150.00",
        allocations=[{"invoice": new.pk, "amount": "100.00"}],
    )

    assert response.status_code == 201, response.content
    assert [(a["invoice"], a["amount"]) for a in response.json()["allocations"]] == [
        (new.pk, "100.00")
    ]
    account = api_for(finance).get(f"/api/v1/customers/{customer.pk}/account/").json()
    assert account["prepayment"] == "50.00"
    assert account["open_invoices_total"] == "100.00"


@pytest.mark.parametrize(
    ("allocations", "status", "code"),
    [
        ([{"invoice": "{inv}", "amount": "100.01"}], 400, "over_allocation"),
        ([{"invoice": "{inv}", "amount": "0.00"}], 400, "invalid_allocation"),
        ([{"invoice": 999999, "amount": "1.00"}], 400, "invalid"),
        ([{"invoice": "{other}", "amount": "1.00"}], 400, "invoice_other_customer"),
        ([{"invoice": "{paid}", "amount": "1.00"}], 409, "invoice_not_open"),
        ([{"invoice": "{inv}", "amount": "1.00", "status": "paid"}], 400, "invalid"),
    ],
)
def test_refused_allocations(customer, finance, api_for, allocations, status, code):
    ids = {
        "inv": invoice(customer, "100.00", due=D(2026, 1, 15)).pk,
        "other": invoice(CustomerFactory(), "10.00", due=D(2026, 1, 15)).pk,
    }
    paid = invoice(customer, "5.00", due=D(2025, 1, 1))
    payment_record(customer=customer, amount="5.00", user=finance)  # pays the oldest: ``paid``
    ids["paid"] = paid.pk
    for a in allocations:
        if isinstance(a["invoice"], str):
            a["invoice"] = int(a["invoice"].format(**ids))

    response = _pay(api_for(finance), customer, "500.00", allocations=allocations)

    assert response.status_code == status, response.content
    assert response.json()["code"] == code


def test_a_clerk_cannot_record_a_payment(customer, clerk, api_for):
    assert _pay(api_for(clerk), customer, "10.00").status_code == 403


# --- invoices -------------------------------------------------------------------------------


OCT20 = D(2026, 10, 20)


def _monthly_invoice(chain, day=OCT20):
    note = chain.dispatched(chain.stamped(chain.note(chain.order(("10",)))))
    dispatched_on(note, day)
    (inv,) = invoices_issue_due(today=D(day.year, day.month, 1) + dt.timedelta(days=40))
    return inv, note


def test_invoice_detail_lists_notes_and_allocations(chain, api_for):
    inv, note = _monthly_invoice(chain)
    payment_record(customer=chain.customer, amount="100.00", user=chain.finance, reference="X1")

    body = api_for(chain.finance).get(f"/api/v1/invoices/{inv.pk}/").json()

    assert body["number"] == inv.number
    assert body["status"] == "open"
    assert (body["amount"], body["paid_amount"], body["open_amount"]) == (
        "300.00",
        "100.00",
        "200.00",
    )
    assert [i["delivery_note_number"] for i in body["items"]] == [note.number]
    assert [(a["reference"], a["amount"]) for a in body["allocations"]] == [("X1", "100.00")]


def test_invoice_list_filters(chain, api_for):
    inv, note = _monthly_invoice(chain)  # due 2026-11-30: overdue today or not
    other = invoice(CustomerFactory(), "10.00", due=D(2999, 1, 1))
    client = api_for(chain.finance)

    by_customer = client.get(f"/api/v1/invoices/?customer={chain.customer.pk}").json()
    assert [r["id"] for r in by_customer["results"]] == [inv.pk]
    overdue = client.get("/api/v1/invoices/?overdue=true").json()
    assert other.pk not in [r["id"] for r in overdue["results"]]
    assert client.get("/api/v1/invoices/?status=void").json()["count"] == 0
    assert client.get("/api/v1/invoices/?status=nonsense").status_code == 400
    assert client.get(f"/api/v1/invoices/?q={inv.number}").json()["count"] == 1
    by_note = client.get(f"/api/v1/invoices/?delivery_note={note.pk}").json()
    assert [r["id"] for r in by_note["results"]] == [inv.pk]
    invoice_void(invoice=inv, user=chain.finance, reason="wrong")  # its items no longer bill
    assert client.get(f"/api/v1/invoices/?delivery_note={note.pk}").json()["count"] == 0


def test_invoice_list_query_count_is_flat(finance, api_for, django_assert_max_num_queries):
    customers = [CustomerFactory() for _ in range(3)]
    for c in customers:
        invoice(c, "10.00", due=D(2026, 1, 1))

    def grow():
        for i in range(30):
            invoice(CustomerFactory(), "10.00", due=D(2026, 1, 1 + i % 28))

    body = flat(api_for(finance), "/api/v1/invoices/", grow, django_assert_max_num_queries)
    assert body["count"] == 33


def _bill_and_pay(customer, finance, count, *, paid, month, ref):
    """``count`` invoices of 10.00 due in ``month`` of 2026, each followed by a payment."""
    for i in range(count):
        invoice(customer, "10.00", due=D(2026, month, 1 + i % 28))
        payment_record(customer=customer, amount=paid, user=finance, reference=f"{ref}{i}")


def test_ledger_query_count_is_flat(customer, finance, api_for, django_assert_max_num_queries):
    _bill_and_pay(customer, finance, 3, paid="10.00", month=1, ref="P")

    def grow():
        _bill_and_pay(customer, finance, 30, paid="10.00", month=2, ref="Q")

    body = flat(
        api_for(finance),
        f"/api/v1/customers/{customer.pk}/ledger/?limit=100",
        grow,
        django_assert_max_num_queries,
    )
    assert body["count"] == 66
    assert body["results"][0]["running_balance"] == "0.00"
    assert body["results"][0]["allocations"][0]["amount"] == "10.00"


def test_account_query_count_is_flat(customer, finance, api_for, django_assert_max_num_queries):
    invoice(customer, "10.00", due=D(2026, 1, 1))

    def grow():
        _bill_and_pay(customer, finance, 30, paid="5.00", month=2, ref="Q")

    body = flat(
        api_for(finance),
        f"/api/v1/customers/{customer.pk}/account/",
        grow,
        django_assert_max_num_queries,
    )
    assert body["balance"] == "160.00"  # 310.00 invoiced, 150.00 paid
    assert body["open_invoices_total"] == "160.00"


def test_run_official_number_and_void(chain, api_for, clerk):
    note = dispatched_on(
        chain.dispatched(chain.stamped(chain.note(chain.order(("10",))))), D(2020, 1, 5)
    )
    client = api_for(chain.finance)

    run = client.post("/api/v1/invoices/run/", {}, format="json").json()
    assert run["count"] == 1
    inv_id = run["invoices"][0]["id"]
    assert client.post("/api/v1/invoices/run/", {}, format="json").json()["count"] == 0

    url = f"/api/v1/invoices/{inv_id}/"
    numbered = client.post(url + "official-number/", {"official_number": "0440-77"}, format="json")
    assert numbered.json()["official_number"] == "0440-77"
    assert (
        client.post(url + "official-number/", {"official_number": ""}, format="json").status_code
        == 400
    )

    assert api_for(clerk).post(url + "void/", {"reason": "x"}, format="json").status_code == 403
    assert client.post(url + "void/", {}, format="json").status_code == 400
    voided = client.post(url + "void/", {"reason": "wrong period"}, format="json")
    assert voided.status_code == 200
    assert voided.json()["status"] == InvoiceStatus.VOID
    assert voided.json()["items"][0]["active"] is False
    again = client.post(url + "void/", {"reason": "again"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "invoice_voided")
    # the note can be invoiced again
    rerun = client.post("/api/v1/invoices/run/", {}, format="json").json()
    assert rerun["count"] == 1
    assert note.number in str(client.get(f"/api/v1/invoices/{rerun['invoices'][0]['id']}/").json())


def test_unknown_invoice_is_404(finance, api_for):
    assert api_for(finance).get("/api/v1/invoices/999999/").status_code == 404
    assert (
        api_for(finance)
        .post("/api/v1/invoices/999999/void/", {"reason": "x"}, format="json")
        .status_code
        == 404
    )


# --- holds ----------------------------------------------------------------------------------


def test_a_manager_sets_and_releases_a_hold(customer, manager, api_for):
    client = api_for(manager)
    url = f"/api/v1/customers/{customer.pk}/credit-hold/"

    held = client.post(url, {"on_hold": True, "reason": "dispute"}, format="json")
    assert (held.status_code, held.json()["on_credit_hold"]) == (200, True)
    twice = client.post(url, {"on_hold": True, "reason": "dispute"}, format="json")
    assert (twice.status_code, twice.json()["code"]) == (400, "hold_unchanged")
    assert client.post(url, {"on_hold": False}, format="json").status_code == 400
    released = client.post(url, {"on_hold": False, "reason": "settled"}, format="json")
    assert released.json()["on_credit_hold"] is False
    assert released.json()["credit_hold_waived_through"] is not None


def test_a_held_customers_note_cannot_be_stamped_over_the_api(chain, api_for):
    note = chain.note(chain.order(("1",)))
    invoice(chain.customer, "10.00", due=D(2020, 1, 31))
    credit_holds_review()

    response = api_for(chain.finance).post(
        f"/api/v1/delivery-notes/{note.pk}/stamp/", {}, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (400, "not_covered")
    account = api_for(chain.finance).get(f"/api/v1/customers/{chain.customer.pk}/account/")
    assert account.json()["customer"]["credit_hold_auto"] is True


# --- notices --------------------------------------------------------------------------------


def test_notices_are_each_users_own(customer, finance, clerk, keeper, api_for):
    payment_record(customer=customer, amount="10.00", user=finance)
    Notice.objects.create(recipient=keeper, kind="x", message="For the keeper")

    mine = api_for(clerk).get("/api/v1/notices/?unread=true").json()
    assert mine["count"] == 1
    assert "10.00" in mine["results"][0]["text"]

    marked = api_for(clerk).post("/api/v1/notices/read/", {}, format="json").json()
    assert marked == {"marked": 1, "unread": 0}
    assert api_for(keeper).get("/api/v1/notices/?unread=true").json()["count"] == 1
    bad = api_for(clerk).post("/api/v1/notices/read/", {"ids": "x"}, format="json")
    assert bad.status_code == 400
