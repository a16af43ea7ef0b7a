"""The receivable ledger's writes: payments received and dispatch charges.
Credit control (coverage, holds) is finance/credit.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from customers.models import Customer
from finance.allocation import HandAllocation, allocate_by_hand, allocate_oldest_first
from finance.credit import credit_hold_lift_if_paid, lock_customer
from finance.enums import EntryKind, PaymentMethod
from finance.invoicing import invoice_on_dispatch
from finance.models import ReceivableEntry
from notices.services import notice_send
from salesadmin.clock import company_today
from salesadmin.decimal_input import parse_money
from salesadmin.errors import ApplicationError

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


def dispatch_charge(*, note, user) -> None:
    """仓库出库: the customer is charged what was loaded and a prepaid/cash
    customer's note invoiced at once. Called by the dispatch service in its
    transaction, the customer locked, through orders.hooks (finance/apps.py)."""
    charge_record(note=note, amount=note.actual_value, user=user)
    invoice_on_dispatch(note=note, user=user)


def charge_record(*, note, amount: Decimal, user) -> ReceivableEntry:
    """Charge the customer for goods dispatched."""
    return ReceivableEntry.objects.create(
        customer_id=note.customer_id,
        kind=EntryKind.CHARGE,
        amount=amount,
        entry_date=company_today(),
        delivery_note=note,
        reference=note.number or "",
        created_by=user,
    )
