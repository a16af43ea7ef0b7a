"""Credit control (信用控制): the one rule the finance stamp, the top-up and the
order approval ask, and the daily overdue hold.

Outstanding = open invoices + dispatched notes not yet invoiced + stamped notes
not yet dispatched, less the customer's prepayment (money not allocated to an
invoice). Every invoice is made of charges already on the ledger and every
allocation moves money from prepayment to an invoice, so this is the ledger
balance plus the stamped notes: two sums, read in one indexed query, whatever
the number of invoices. The stamp and the approval are on the hot path.

A customer is put on credit hold the day any open invoice is more than one
month overdue, i.e. ``today > add_months(due_date, 1)`` (a month after 31
January is 28/29 February), and the hold the job set is lifted when no such
invoice is left. A manager's release waives the invoices overdue at that
moment (``credit_hold_waived_through``); an invoice falling overdue later puts
the customer on hold again.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import DecimalField, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_noop

from customers.enums import CreditTerms
from customers.models import Customer
from finance.enums import InvoiceStatus
from finance.models import CustomerBalance, Invoice
from salesadmin.clock import company_today
from salesadmin.db import locked

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)

# Stored in English, translated when shown (customer pages, notices, credit history).
AUTO_HOLD_REASON = gettext_noop("An invoice is more than one month overdue.")
AUTO_LIFT_REASON = gettext_noop("No invoice is more than one month overdue any more.")
AUTO_HOLD_NOTICE = gettext_noop(
    "%(customer)s is on credit hold: invoice %(invoice)s is more than one month overdue "
    "(due %(due)s)."
)
AUTO_LIFT_NOTICE = gettext_noop(
    "The credit hold of %(customer)s was lifted: no invoice is more than one month overdue."
)


# --- dates ------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def is_more_than_a_month_overdue(due_date: dt.date, today: dt.date) -> bool:
    return today > add_months(due_date, 1)


def overdue_cutoff(today: dt.date) -> dt.date:
    """The latest due date that is more than one month overdue on ``today``.

    ``add_months`` never decreases as the day grows, so the invoices past the
    line are exactly those due on or before this date: one indexed range.
    """
    day = add_months(today, -1) + dt.timedelta(days=3)
    while not is_more_than_a_month_overdue(day, today):
        day -= dt.timedelta(days=1)
    return day


# --- the credit position ------------------------------------------------------------------


@dataclass(frozen=True)
class CreditPosition:
    customer: Customer
    balance: Decimal  # the ledger: above zero owed, below zero paid in advance
    pending: Decimal  # stamped notes not yet dispatched (promised, not yet charged)

    @property
    def is_prepaid(self) -> bool:
        return self.customer.credit_terms == CreditTerms.PREPAID

    @property
    def on_hold(self) -> bool:
        return self.customer.on_credit_hold

    @property
    def allowance(self) -> Decimal:
        """How far the customer may owe: nothing for prepaid, the limit for credit customers."""
        return ZERO if self.is_prepaid else self.customer.credit_limit

    @property
    def exposure(self) -> Decimal:
        """Outstanding net of prepayment."""
        return self.balance + self.pending

    @property
    def headroom(self) -> Decimal:
        return max(self.allowance - self.exposure, ZERO)

    def after(self, amount: Decimal) -> Decimal:
        return self.exposure + amount

    def coverage_for(self, amount: Decimal) -> str | None:
        """How ``amount`` more would be covered (orders.enums.Coverage), or None."""
        from orders.enums import Coverage

        if self.on_hold:
            return None
        after = self.after(amount)
        if after <= ZERO:
            return Coverage.PREPAYMENT
        if after <= self.allowance:
            return Coverage.CREDIT
        return None


def _sums_sql() -> str:
    from orders.models import DeliveryNote

    return f"""
        SELECT COALESCE((SELECT balance FROM {CustomerBalance._meta.db_table}
                          WHERE customer_id = %(customer)s), 0.00),
               COALESCE((SELECT SUM(covered_amount) FROM {DeliveryNote._meta.db_table}
                          WHERE customer_id = %(customer)s AND status = %(stamped)s
                            AND id <> %(exclude)s), 0.00)"""


def _sums(customer_id: int, exclude_note_id: int | None) -> tuple[Decimal, Decimal]:
    """The ledger balance (kept by the database, finance.models.CustomerBalance)
    and what stamped notes have promised, by the indexes on both.

    Written out: it runs in every approval and stamp, and the ORM spent 1.2 ms
    compiling the equivalent subqueries, ten times what running it costs."""
    from orders.enums import NoteStatus

    with connection.cursor() as cursor:
        params = {"customer": customer_id, "stamped": NoteStatus.STAMPED}
        cursor.execute(_sums_sql(), {**params, "exclude": exclude_note_id or 0})
        balance, pending = cursor.fetchone()
    return balance, pending


def credit_position(*, customer: Customer, exclude_note_id: int | None = None) -> CreditPosition:
    """The customer's credit picture in one query (the customer row is the caller's)."""
    balance, pending = _sums(customer.pk, exclude_note_id)
    return CreditPosition(customer=customer, balance=balance, pending=pending)


# --- the daily overdue hold ------------------------------------------------------------------


def _hold_triggers(cutoff: dt.date):
    """Open invoices more than one month overdue that a manager has not waived."""
    return Invoice.objects.filter(status=InvoiceStatus.OPEN, due_date__lte=cutoff).filter(
        Q(customer__credit_hold_waived_through__isnull=True)
        | Q(due_date__gt=F("customer__credit_hold_waived_through"))
    )


def overdue_trigger(*, customer: Customer, today: dt.date | None = None) -> Invoice | None:
    """The oldest invoice that holds ``customer`` today (None: nothing does)."""
    cutoff = overdue_cutoff(today or company_today())
    return _hold_triggers(cutoff).filter(customer=customer).order_by("due_date", "id").first()


def credit_holds_review(*, today: dt.date | None = None) -> tuple[int, int]:
    """The daily job: hold the customers with an invoice more than a month
    overdue, lift the holds it set where none is left. Returns (held, lifted).

    Each customer is its own transaction, re-checked under the customer's lock.
    """
    today = today or company_today()
    cutoff = overdue_cutoff(today)
    triggers = _hold_triggers(cutoff)
    to_hold = (
        triggers.filter(customer__on_credit_hold=False)
        .order_by()
        .values_list("customer_id", flat=True)
        .distinct()
    )
    held = sum(_hold_one(pk, cutoff) for pk in list(to_hold))
    to_lift = Customer.objects.filter(on_credit_hold=True, credit_hold_auto=True).exclude(
        Exists(triggers.filter(customer_id=OuterRef("pk")))
    )
    lifted = sum(_lift_one(pk, cutoff) for pk in list(to_lift.values_list("pk", flat=True)))
    return held, lifted


def _hold_one(customer_id: int, cutoff: dt.date) -> bool:
    from customers.services import credit_hold_change

    with transaction.atomic():
        customer = locked(Customer.objects).get(pk=customer_id)
        if customer.on_credit_hold:
            return False
        invoice = (
            _hold_triggers(cutoff).filter(customer=customer).order_by("due_date", "id").first()
        )
        if invoice is None:
            return False
        credit_hold_change(
            customer=customer,
            user=None,
            on_hold=True,
            reason=AUTO_HOLD_REASON,
            automatic=True,
            notice=(
                AUTO_HOLD_NOTICE,
                {
                    "customer": customer.name,
                    "invoice": invoice.number,
                    "due": invoice.due_date.isoformat(),
                },
            ),
        )
    return True


def _lift_one(customer_id: int, cutoff: dt.date) -> bool:
    with transaction.atomic():
        customer = locked(Customer.objects).get(pk=customer_id)
        if not (customer.on_credit_hold and customer.credit_hold_auto):
            return False
        if _hold_triggers(cutoff).filter(customer=customer).exists():
            return False
        _lift(customer)
    return True


def _lift(customer: Customer) -> None:
    """Lift an automatic hold (the customer row locked by the caller)."""
    from customers.services import credit_hold_change

    credit_hold_change(
        customer=customer,
        user=None,
        on_hold=False,
        reason=AUTO_LIFT_REASON,
        automatic=True,
        notice=(AUTO_LIFT_NOTICE, {"customer": customer.name}),
    )


def credit_hold_lift_if_paid(*, customer: Customer, today: dt.date | None = None) -> bool:
    """After a payment (customer locked by the caller): lift an automatic hold at
    once when nothing is more than a month overdue any more."""
    if not (customer.on_credit_hold and customer.credit_hold_auto):
        return False
    if overdue_trigger(customer=customer, today=today) is not None:
        return False
    _lift(customer)
    return True


def account_link(customer_id: int) -> str:
    return reverse("finance:customer_account", args=[customer_id])
