"""Credit control and the receivable ledger: one service used by the finance
stamp (and, with the receivables issue, by order approval and reminders)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from customers.enums import CreditTerms
from customers.models import Customer
from finance.allocation import HandAllocation, allocate_by_hand, allocate_oldest_first
from finance.credit import credit_hold_lift_if_paid, credit_position
from finance.enums import EntryKind, PaymentMethod
from finance.models import ReceivableEntry
from notices.services import notice_send
from salesadmin.clock import company_today
from salesadmin.db import locked
from salesadmin.decimal_input import parse_money
from salesadmin.errors import ApplicationError

ZERO = Decimal("0.00")


def customer_balance(*, customer: Customer) -> Decimal:
    """Ledger balance: above zero the customer owes, below zero they prepaid."""
    total = ReceivableEntry.objects.filter(customer=customer).aggregate(s=Sum("amount"))["s"]
    return total or ZERO


def pending_stamped_value(*, customer: Customer, exclude_note_id: int | None = None) -> Decimal:
    """What finance has already promised on stamped notes not yet charged."""
    return credit_position(customer=customer, exclude_note_id=exclude_note_id).pending


def credit_allowance(*, customer: Customer) -> Decimal:
    """How far the customer may owe: nothing for prepaid, the limit for credit customers."""
    return ZERO if customer.credit_terms == CreditTerms.PREPAID else customer.credit_limit


def exposure(*, customer: Customer, exclude_note_id: int | None = None) -> Decimal:
    """Outstanding net of prepayment = ledger balance + stamped notes not yet charged
    (= open invoices + dispatched notes not invoiced + stamped notes - prepayment)."""
    return credit_position(customer=customer, exclude_note_id=exclude_note_id).exposure


def coverage_for(*, customer: Customer, amount: Decimal, exclude_note_id=None) -> str | None:
    """How ``amount`` more would be covered, or None when it is not.

    Prepaid/cash customers: their prepayment balance must cover it. Credit
    customers: outstanding plus this amount within the credit limit, and not on
    credit hold. One query (finance/credit.py).
    """
    position = credit_position(customer=customer, exclude_note_id=exclude_note_id)
    return position.coverage_for(amount)


def note_coverage(*, note) -> str | None:
    return coverage_for(customer=note.customer, amount=note.value, exclude_note_id=note.pk)


def customer_within_credit(*, customer: Customer) -> bool:
    """After a dispatch was charged: is what the customer owes covered now?"""
    return coverage_for(customer=customer, amount=ZERO) is not None


def lock_customer(customer_id: int) -> Customer:
    """Serialize every coverage decision for one customer (stamp, restamp, payment)."""
    return locked(Customer.objects).get(pk=customer_id)


PAYMENT_NOTICE = gettext_noop(
    "Payment of %(amount)s received from %(customer)s (reference %(reference)s)."
)


@transaction.atomic
def payment_record(
    *,
    customer: Customer,
    amount,
    user,
    method: str = PaymentMethod.BANK_TRANSFER,
    reference: str = "",
    entry_date: dt.date | None = None,
    note: str = "",
    payer: str = "",
    allocations: list[HandAllocation] | None = None,
) -> ReceivableEntry:
    """到款: money received from a customer.

    ``allocations`` None: the money settles the customer's open invoices, oldest
    due first. A list: finance's own choice of invoices and amounts (empty: keep
    it all as prepayment). What is not allocated is prepayment and settles the
    invoices made later. The salesperson is told; an automatic hold is lifted
    at once when nothing is more than a month overdue any more.
    """
    if not user.has_perm("finance.record_payment"):
        raise PermissionDenied
    amount = parse_money(amount)
    if amount <= 0:
        raise ApplicationError(_("The amount must be positive."), code="invalid_amount")
    if method not in PaymentMethod.values:
        raise ApplicationError(_("Unknown payment method."), code="invalid_method")
    reference = (reference or "").strip()
    customer = lock_customer(customer.pk)
    if (
        reference
        and ReceivableEntry.objects.filter(kind=EntryKind.PAYMENT, reference=reference).exists()
    ):
        raise ApplicationError(
            _("A payment with reference %(ref)s is already recorded.") % {"ref": reference},
            code="duplicate_reference",
        )
    try:
        with transaction.atomic():
            payment = ReceivableEntry.objects.create(
                customer=customer,
                kind=EntryKind.PAYMENT,
                amount=-amount,
                entry_date=entry_date or company_today(),
                method=method,
                reference=reference,
                payer=(payer or "").strip()[:200],
                note=note,
                created_by=user,
            )
    except IntegrityError as exc:  # a concurrent booking of the same reference
        raise ApplicationError(
            _("A payment with reference %(ref)s is already recorded.") % {"ref": reference},
            code="duplicate_reference",
        ) from exc
    if allocations is None:
        allocate_oldest_first(customer_id=customer.pk, user=user)
    else:
        allocate_by_hand(payment=payment, allocations=allocations, user=user)
    credit_hold_lift_if_paid(customer=customer)
    notice_send(
        recipients=[customer.salesperson_id],
        kind="payment_received",
        message=PAYMENT_NOTICE,
        params={
            "amount": f"{amount:,.2f}",
            "customer": customer.name,
            "reference": reference or "-",
        },
        link=reverse("customers:detail", args=[customer.pk]),
    )
    return payment


def charge_record(*, note, amount: Decimal, user) -> ReceivableEntry:
    """Charge the customer for goods dispatched (called by the dispatch service)."""
    return ReceivableEntry.objects.create(
        customer_id=note.customer_id,
        kind=EntryKind.CHARGE,
        amount=amount,
        entry_date=company_today(),
        delivery_note=note,
        reference=note.number or "",
        created_by=user,
    )
