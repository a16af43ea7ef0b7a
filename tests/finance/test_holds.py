"""The daily overdue hold: on hold the first day an invoice is MORE than one
month overdue (today > due + 1 calendar month, clamped to the month's end), in
the company time zone; lifted when paid; a manager's release stands for the
invoices overdue at that moment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.enums import CreditTerms
from customers.models import CreditChange
from customers.services import customer_set_credit_hold
from finance.credit import credit_holds_review
from finance.invoicing import invoice_void
from finance.services import payment_record
from notices.models import Notice
from salesadmin.clock import add_months, last_day_over_a_month_before
from salesadmin.errors import ApplicationError
from tests.factories import CustomerFactory
from tests.finance.invoice_world import invoice, monthly_customer

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def customer(clerk):
    return monthly_customer(clerk)


def _held(customer) -> bool:
    customer.refresh_from_db()
    return customer.on_credit_hold


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 1, 10), -3, D(2025, 10, 10)),
    ],
)
def test_add_months_clamps_to_the_end_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("today", "cutoff"),
    [
        (D(2026, 2, 28), D(2026, 1, 27)),
        (D(2026, 3, 1), D(2026, 1, 31)),
        (D(2026, 3, 29), D(2026, 2, 28)),
        (D(2026, 4, 1), D(2026, 2, 28)),
        (D(2026, 5, 1), D(2026, 3, 31)),
    ],
)
def test_the_cutoff_is_the_last_due_date_more_than_a_month_overdue(today, cutoff):
    assert last_day_over_a_month_before(today) == cutoff
    assert add_months(cutoff, 1) < today
    assert not add_months(cutoff + dt.timedelta(days=1), 1) < today


@pytest.mark.parametrize(
    ("due", "last_fine_day"),
    [
        (D(2026, 1, 31), D(2026, 2, 28)),  # a month after 31 Jan is 28 Feb
        (D(2026, 2, 28), D(2026, 3, 28)),
        (D(2026, 3, 31), D(2026, 4, 30)),
        (D(2026, 12, 31), D(2027, 1, 31)),
    ],
)
def test_hold_on_the_first_day_past_one_month_not_the_day_before(
    customer, due, last_fine_day, manager
):
    invoice(customer, "500.00", due=due)

    assert credit_holds_review(today=last_fine_day) == (0, 0)
    assert not _held(customer)

    assert credit_holds_review(today=last_fine_day + dt.timedelta(days=1)) == (1, 0)
    assert _held(customer)
    assert customer.credit_hold_auto is True
    change = CreditChange.objects.get(customer=customer, field="on_credit_hold")
    assert (change.old_value, change.new_value, change.changed_by) == ("False", "True", None)
    # the salesperson and the managers are told
    assert set(Notice.objects.filter(kind="credit_hold").values_list("recipient", flat=True)) == {
        customer.salesperson_id,
        manager.pk,
    }


def test_the_company_time_zone_decides_the_day(customer, monkeypatch):
    # 2026-02-28 16:30 UTC is already 1 March 00:30 in Shanghai (the company time zone)
    invoice(customer, "500.00", due=D(2026, 1, 31))
    at = dt.datetime(2026, 2, 28, 16, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: at)

    credit_holds_review()

    assert _held(customer)


def test_the_day_before_in_the_company_time_zone_is_still_fine(customer, monkeypatch):
    invoice(customer, "500.00", due=D(2026, 1, 31))
    at = dt.datetime(2026, 2, 28, 15, 59, tzinfo=dt.UTC)  # 23:59 on 28 Feb in Shanghai
    monkeypatch.setattr(timezone, "now", lambda: at)

    credit_holds_review()

    assert not _held(customer)


def test_a_paid_or_partly_paid_invoice(customer, finance):
    inv = invoice(customer, "500.00", due=D(2026, 1, 31))
    payment_record(customer=customer, amount="499.99", user=finance)
    assert credit_holds_review(today=D(2026, 3, 1)) == (1, 0)  # 0.01 still open

    payment_record(customer=customer, amount="0.01", user=finance)

    # The payment lifts the automatic hold at once
    assert not _held(customer)
    inv.refresh_from_db()
    assert inv.status == "paid"
    assert Notice.objects.filter(kind="credit_release").exists()


def test_the_job_lifts_its_hold_when_nothing_is_overdue_any_more(customer, finance):
    inv = invoice(customer, "500.00", due=D(2026, 1, 31))
    credit_holds_review(today=D(2026, 3, 1))
    invoice_void(invoice=inv, user=finance, reason="issued in error")

    assert credit_holds_review(today=D(2026, 3, 2)) == (0, 1)
    assert not _held(customer)
    assert customer.credit_hold_auto is False


def test_a_managers_release_is_not_undone_for_the_same_invoices(customer, manager):
    invoice(customer, "500.00", due=D(2026, 1, 31))
    credit_holds_review(today=D(2026, 3, 1))
    assert _held(customer)

    customer_set_credit_hold(
        customer=customer,
        user=manager,
        on_hold=False,
        reason="promised to pay",
        today=D(2026, 3, 2),
    )

    assert credit_holds_review(today=D(2026, 3, 3)) == (0, 0)
    assert credit_holds_review(today=D(2026, 6, 1)) == (0, 0)
    assert not _held(customer)

    # A later invoice falling more than a month overdue holds the customer again
    invoice(customer, "100.00", due=D(2026, 2, 28))
    assert credit_holds_review(today=D(2026, 3, 28)) == (0, 0)
    assert credit_holds_review(today=D(2026, 3, 29)) == (1, 0)
    assert _held(customer)


def test_a_hold_set_by_a_manager_is_not_lifted_by_the_job(customer, manager):
    customer_set_credit_hold(customer=customer, user=manager, on_hold=True, reason="dispute")

    assert credit_holds_review(today=D(2026, 3, 1)) == (0, 0)
    assert _held(customer)
    assert customer.credit_hold_auto is False
    assert Notice.objects.filter(kind="credit_hold", recipient=customer.salesperson).exists()


def test_a_manager_may_not_hold_twice(customer, manager):
    customer_set_credit_hold(customer=customer, user=manager, on_hold=True, reason="dispute")
    with pytest.raises(ApplicationError):
        customer_set_credit_hold(customer=customer, user=manager, on_hold=True, reason="again")


def test_a_held_customers_note_cannot_be_stamped(chain):
    from orders.services.delivery_notes import delivery_note_stamp

    note = chain.note(chain.order(("1",)))
    invoice(chain.customer, "10.00", due=D(2020, 1, 31))
    credit_holds_review()

    with pytest.raises(ApplicationError) as exc:
        delivery_note_stamp(note=note, user=chain.finance)

    assert exc.value.code == "not_covered"


def test_the_job_is_a_command(customer, capsys):
    from django.core.management import call_command

    invoice(customer, "500.00", due=D(2020, 1, 31))
    call_command("review_credit_holds")

    assert _held(customer)
    assert "1 put on hold" in capsys.readouterr().out


def test_the_beat_tasks_run_the_jobs(customer):
    from finance.tasks import issue_invoices, review_credit_holds

    invoice(customer, "500.00", due=D(2020, 1, 31))

    assert review_credit_holds.apply().get() == {"held": 1, "lifted": 0}
    assert issue_invoices.apply().get() == 0
    assert _held(customer)


def _customers_with_an_old_invoice(n: int, clerk) -> list:
    customers = CustomerFactory.create_batch(
        n, credit_terms=CreditTerms.MONTHLY, credit_limit=Decimal("15000.00"), salesperson=clerk
    )
    for c in customers:
        invoice(c, "100.00", due=D(2026, 1, 5))
        invoice(c, "200.00", due=D(2026, 1, 20))
    return customers


def _review_queries(today) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        credit_holds_review(today=today)
    return len(ctx.captured_queries)


def test_the_job_holds_in_batches_with_queries_flat_in_the_customers(clerk, manager):
    """Bench: 4,150 customers held; six statements each before, a few per batch now."""
    today = D(2026, 3, 1)
    _customers_with_an_old_invoice(2, clerk)
    few = _review_queries(today)
    many = _customers_with_an_old_invoice(25, clerk)
    assert _review_queries(today) == few  # the first two are held already: 25 new ones

    assert all(_held(c) for c in many)
    notice = Notice.objects.get(
        kind="credit_hold", recipient=manager, link__contains=f"/{many[0].pk}/"
    )
    # the oldest invoice more than a month overdue is the one named
    assert notice.params["due"] == "2026-01-05"
    assert notice.params["customer"] == many[0].name
    assert CreditChange.objects.filter(field="on_credit_hold", customer__in=many).count() == 25
