"""Credit control and the receivable ledger: one service used by the finance
stamp (and, with the receivables issue, by order approval and reminders)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from customers.enums import CreditTerms
from customers.models import Customer
from finance.enums import EntryKind, PaymentMethod
from finance.models import ReceivableEntry
from salesadmin.clock import company_today
from salesadmin.db import locked
from salesadmin.errors import ApplicationError
from salesadmin.numbers import parse_money

ZERO = Decimal("0.00")


def customer_balance(*, customer: Customer) -> Decimal:
    """Ledger balance: above zero the customer owes, below zero they prepaid."""
    total = ReceivableEntry.objects.filter(customer=customer).aggregate(s=Sum("amount"))["s"]
    return total or ZERO


def pending_stamped_value(*, customer: Customer, exclude_note_id: int | None = None) -> Decimal:
    """What finance has already promised on stamped notes not yet charged."""
    from orders.enums import NoteStatus
    from orders.models import DeliveryNote

    qs = DeliveryNote.objects.filter(customer=customer, status=NoteStatus.STAMPED)
    if exclude_note_id:
        qs = qs.exclude(pk=exclude_note_id)
    return qs.aggregate(s=Sum("covered_amount"))["s"] or ZERO


def credit_allowance(*, customer: Customer) -> Decimal:
    """How far the customer may owe: nothing for prepaid, the limit for credit customers."""
    if customer.credit_terms == CreditTerms.PREPAID:
        return ZERO
    return customer.credit_limit


def exposure(*, customer: Customer, exclude_note_id: int | None = None) -> Decimal:
    """Outstanding = ledger balance + stamped notes not yet charged."""
    return customer_balance(customer=customer) + pending_stamped_value(
        customer=customer, exclude_note_id=exclude_note_id
    )


def coverage_for(*, customer: Customer, amount: Decimal, exclude_note_id=None) -> str | None:
    """How ``amount`` more would be covered, or None when it is not.

    Prepaid/cash customers: their prepayment balance must cover it. Credit
    customers: outstanding plus this amount within the credit limit, and not on
    credit hold. The same rule whether the customer is monthly or quarterly.
    """
    from orders.enums import Coverage

    if customer.on_credit_hold:
        return None
    after = exposure(customer=customer, exclude_note_id=exclude_note_id) + amount
    if after <= ZERO:
        return Coverage.PREPAYMENT
    if after <= credit_allowance(customer=customer):
        return Coverage.CREDIT
    return None


def note_coverage(*, note) -> str | None:
    return coverage_for(customer=note.customer, amount=note.value, exclude_note_id=note.pk)


def customer_within_credit(*, customer: Customer) -> bool:
    """After a dispatch was charged: is what the customer owes covered now?"""
    return coverage_for(customer=customer, amount=ZERO) is not None


def lock_customer(customer_id: int) -> Customer:
    """Serialize every coverage decision for one customer (stamp, restamp, payment)."""
    return locked(Customer.objects).get(pk=customer_id)


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
) -> ReceivableEntry:
    """到款: money received from a customer. Unallocated money is prepayment."""
    if not user.has_perm("finance.record_payment"):
        raise PermissionDenied
    amount = parse_money(amount)
    if amount <= 0:
        raise ApplicationError(_("The amount must be positive."), code="invalid_amount")
    if method not in PaymentMethod.values:
        raise ApplicationError(_("Unknown payment method."), code="invalid_method")
    reference = (reference or "").strip()
    lock_customer(customer.pk)
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
            return ReceivableEntry.objects.create(
                customer=customer,
                kind=EntryKind.PAYMENT,
                amount=-amount,
                entry_date=entry_date or company_today(),
                method=method,
                reference=reference,
                note=note,
                created_by=user,
            )
    except IntegrityError as exc:  # a concurrent booking of the same reference
        raise ApplicationError(
            _("A payment with reference %(ref)s is already recorded.") % {"ref": reference},
            code="duplicate_reference",
        ) from exc


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
