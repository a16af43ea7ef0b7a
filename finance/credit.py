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

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import DecimalField, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from customers.enums import CreditTerms
from customers.models import Customer
from customers.services import credit_hold_change, credit_holds_set_automatic
from finance.enums import InvoiceStatus
from finance.models import CustomerBalance, Invoice
from orders.enums import Coverage, NoteStatus
from orders.models import DeliveryNote
from salesadmin.clock import company_today, last_day_over_a_month_before
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


# --- the credit position ------------------------------------------------------------------


@dataclass(frozen=True)
class CreditPosition:
    """What a customer owes and may still owe: the one definition every page,
    the order approval, the stamp and the top-up read."""

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
        """Outstanding net of prepayment: what the credit limit is checked on."""
        return self.balance + self.pending

    @property
    def headroom(self) -> Decimal:
        """What may still be stamped before the rule refuses."""
        return max(self.allowance - self.exposure, ZERO)

    def after(self, amount: Decimal) -> Decimal:
        """What the customer would owe with ``amount`` more stamped."""
        return self.exposure + amount

    def shortfall(self, amount: Decimal) -> Decimal:
        """How much must be paid (or credit given) before ``amount`` more is covered."""
        return max(self.after(amount) - self.allowance, ZERO)

    def coverage_for(self, amount: Decimal) -> str | None:
        """How ``amount`` more would be covered (orders.enums.Coverage), or None.

        Prepaid/cash customers: their prepayment must cover it. Credit
        customers: outstanding plus this amount within the credit limit, and
        not on credit hold.
        """
        if self.on_hold:
            return None
        after = self.after(amount)
        if after <= ZERO:
            return Coverage.PREPAYMENT
        if after <= self.allowance:
            return Coverage.CREDIT
        return None


class PositionFigures:
    """The credit position's figures, for a page's object built on one
    (``position``): the picture below, finance.selectors.AccountSummary."""

    position: CreditPosition

    @property
    def customer(self) -> Customer:
        return self.position.customer

    @property
    def balance(self) -> Decimal:
        return self.position.balance

    @property
    def pending(self) -> Decimal:
        return self.position.pending

    @property
    def allowance(self) -> Decimal:
        return self.position.allowance

    @property
    def exposure(self) -> Decimal:
        return self.position.exposure

    @property
    def headroom(self) -> Decimal:
        return self.position.headroom


@dataclass(frozen=True)
class CoveragePicture(PositionFigures):
    """Why ``amount`` more would be covered, or refused, in the users' words:
    the panel finance reads before stamping (no query of its own)."""

    position: CreditPosition
    amount: Decimal

    @property
    def after(self) -> Decimal:
        return self.position.after(self.amount)

    @property
    def shortfall(self) -> Decimal:
        return self.position.shortfall(self.amount)

    @property
    def coverage(self) -> str | None:
        return self.position.coverage_for(self.amount)

    @property
    def covered(self) -> bool:
        return self.coverage is not None

    @property
    def coverage_label(self) -> str:
        return str(Coverage(self.coverage).label) if self.covered else ""

    @property
    def terms_label(self) -> str:
        return self.customer.get_credit_terms_display()

    @property
    def refusal(self) -> str:
        """The rule that refuses the stamp, in the users' words ("" when covered)."""
        if self.covered:
            return ""
        if self.position.on_hold:
            return _("The customer is on credit hold: no note may be stamped until it is released.")
        if self.position.is_prepaid:
            return _(
                "Prepaid customer: the prepayment does not cover this note; "
                "%(short)s more must be paid first."
            ) % {"short": f"{self.shortfall:,.2f}"}
        return _(
            "Outstanding plus this note would be %(after)s, above the credit limit "
            "%(limit)s by %(short)s."
        ) % {
            "after": f"{self.after:,.2f}",
            "limit": f"{self.allowance:,.2f}",
            "short": f"{self.shortfall:,.2f}",
        }


_SUMS_SQL = f"""
    SELECT COALESCE((SELECT balance FROM {CustomerBalance._meta.db_table}
                      WHERE customer_id = %(customer)s), 0.00),
           COALESCE((SELECT SUM(covered_amount) FROM {DeliveryNote._meta.db_table}
                      WHERE customer_id = %(customer)s AND status = %(stamped)s
                        AND id <> %(exclude)s), 0.00)"""


def _sums(customer_id: int, exclude_note_id: int | None) -> tuple[Decimal, Decimal]:
    """The ledger balance (kept by the database, finance.models.CustomerBalance)
    and what stamped notes have promised ("pending"), by the indexes on both.

    Written out: it runs in every approval and stamp, and the ORM spent 1.2 ms
    compiling the equivalent subqueries, ten times what running it costs."""
    with connection.cursor() as cursor:
        params = {"customer": customer_id, "stamped": NoteStatus.STAMPED}
        cursor.execute(_SUMS_SQL, {**params, "exclude": exclude_note_id or 0})
        balance, pending = cursor.fetchone()
    return balance, pending


def credit_position(*, customer: Customer, exclude_note_id: int | None = None) -> CreditPosition:
    """The customer's credit picture in one query (the customer row is the caller's).
    ``exclude_note_id``: a stamped note whose own promise is being decided again."""
    balance, pending = _sums(customer.pk, exclude_note_id)
    return CreditPosition(customer=customer, balance=balance, pending=pending)


def coverage_picture(
    *, customer: Customer, amount: Decimal, exclude_note_id: int | None = None
) -> CoveragePicture:
    """How ``amount`` more would be covered, with the figures the rule decides on."""
    position = credit_position(customer=customer, exclude_note_id=exclude_note_id)
    return CoveragePicture(position=position, amount=amount)


def lock_customer(customer_id: int) -> Customer:
    """Serialize every coverage decision for one customer (stamp, restamp,
    payment, invoicing): the customer row is the first lock each takes."""
    return locked(Customer.objects).get(pk=customer_id)


# --- the daily overdue hold ------------------------------------------------------------------


def _hold_triggers(cutoff: dt.date):
    """Open invoices more than one month overdue that a manager has not waived."""
    return Invoice.objects.filter(status=InvoiceStatus.OPEN, due_date__lte=cutoff).filter(
        Q(customer__credit_hold_waived_through__isnull=True)
        | Q(due_date__gt=F("customer__credit_hold_waived_through"))
    )


def overdue_trigger(*, customer: Customer, today: dt.date | None = None) -> Invoice | None:
    """The oldest invoice that holds ``customer`` today (None: nothing does)."""
    cutoff = last_day_over_a_month_before(today or company_today())
    return _hold_triggers(cutoff).filter(customer=customer).order_by("due_date", "id").first()


def credit_holds_review(*, today: dt.date | None = None) -> tuple[int, int]:
    """The daily job: hold the customers with an invoice more than a month
    overdue, lift the holds it set where none is left. Returns (held, lifted).

    Each customer is its own transaction, re-checked under the customer's lock.
    """
    today = today or company_today()
    cutoff = last_day_over_a_month_before(today)
    triggers = _hold_triggers(cutoff)
    to_hold = sorted(
        triggers.filter(customer__on_credit_hold=False)
        .order_by()
        .values_list("customer_id", flat=True)
        .distinct()
    )
    held = 0
    for start in range(0, len(to_hold), HOLD_BATCH):
        held += _hold_batch(to_hold[start : start + HOLD_BATCH], cutoff)
    to_lift = Customer.objects.filter(on_credit_hold=True, credit_hold_auto=True).exclude(
        Exists(triggers.filter(customer_id=OuterRef("pk")))
    )
    lifted = sum(_lift_one(pk, cutoff) for pk in list(to_lift.values_list("pk", flat=True)))
    return held, lifted


# Customers held per transaction by the daily job: a fixed number of
# statements per batch instead of six per customer. Measured on 5,000 bench
# customers (4,150 to hold): see the commit message and README's Benchmark.
HOLD_BATCH = 500


def _hold_batch(customer_ids: list[int], cutoff: dt.date) -> int:
    """Hold a batch of customers, each re-checked under its lock (locked in id
    order, as one at a time elsewhere: no deadlock), in one transaction."""
    with transaction.atomic():
        customers = list(
            locked(Customer.objects.filter(pk__in=customer_ids, on_credit_hold=False))
            .order_by("pk")
            .only("pk", "name", "salesperson_id")
        )
        # The oldest trigger of each, read after the locks: a payment
        # recorded meanwhile (under the same customer lock) has counted.
        first_trigger = {
            customer_id: (number, due)
            for customer_id, number, due in _hold_triggers(cutoff)
            .filter(customer_id__in=[c.pk for c in customers])
            .order_by("customer_id", "due_date", "id")
            .distinct("customer_id")
            .values_list("customer_id", "number", "due_date")
        }
        customers = [c for c in customers if c.pk in first_trigger]
        return credit_holds_set_automatic(
            customers=customers,
            reason=AUTO_HOLD_REASON,
            message=AUTO_HOLD_NOTICE,
            params={
                c.pk: {
                    "customer": c.name,
                    "invoice": first_trigger[c.pk][0],
                    "due": first_trigger[c.pk][1].isoformat(),
                }
                for c in customers
            },
        )


def _hold_one(customer_id: int, cutoff: dt.date) -> bool:
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


def credit_holds_review_for(*, customer_ids, today: dt.date | None = None) -> int:
    """The overdue hold for some customers now (after their opening receivables
    are imported), as the daily job would set it. Returns how many went on hold."""
    cutoff = last_day_over_a_month_before(today or company_today())
    to_hold = (
        _hold_triggers(cutoff)
        .filter(customer_id__any=sorted(set(customer_ids)), customer__on_credit_hold=False)
        .order_by()
        .values_list("customer_id", flat=True)
        .distinct()
    )
    return sum(_hold_one(pk, cutoff) for pk in sorted(to_hold))
