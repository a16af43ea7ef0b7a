"""Reads for the finance pages: payments, a customer's ledger, and the coverage
picture finance looks at before stamping a delivery note."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum, Window
from django.utils.translation import gettext as _

from customers.enums import CreditTerms
from customers.models import Customer
from finance import services
from finance.enums import EntryKind
from finance.models import ReceivableEntry

ZERO = Decimal("0.00")


def payment_list(*, search: str = "") -> QuerySet[ReceivableEntry]:
    """Payments received, newest first."""
    qs = (
        ReceivableEntry.objects.filter(kind=EntryKind.PAYMENT)
        .select_related("customer", "created_by")
        .annotate(received=-F("amount"))  # the ledger stores payments as negative
    )
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(reference__icontains=search)
            | Q(customer__name__icontains=search)
            | Q(customer__code__icontains=search)
        )
    return qs.order_by("-entry_date", "-id")


def customer_ledger(*, customer: Customer, limit: int = 200) -> list[ReceivableEntry]:
    """The customer's latest ledger entries, newest first, each with the balance
    after it (``running_balance``), computed by the database over the whole ledger."""
    qs = (
        ReceivableEntry.objects.filter(customer=customer)
        .select_related("delivery_note", "created_by")
        .annotate(
            running_balance=Window(Sum("amount"), order_by=["entry_date", "id"]),
        )
        .order_by("-entry_date", "-id")
    )
    return list(qs[:limit])


@dataclass(frozen=True)
class CoveragePicture:
    """Why a stamp for ``amount`` more would be given, or refused."""

    customer: Customer
    amount: Decimal
    balance: Decimal  # ledger: above zero owed, below zero prepaid
    pending: Decimal  # stamped notes not yet charged
    allowance: Decimal  # how far the customer may owe
    coverage: str | None  # orders.enums.Coverage value, or None when not covered

    @property
    def terms_label(self) -> str:
        return self.customer.get_credit_terms_display()

    @property
    def is_prepaid(self) -> bool:
        return self.customer.credit_terms == CreditTerms.PREPAID

    @property
    def exposure(self) -> Decimal:
        return self.balance + self.pending

    @property
    def after(self) -> Decimal:
        """What the customer would owe with this amount stamped."""
        return self.exposure + self.amount

    @property
    def prepayment(self) -> Decimal:
        """Money paid in advance and not yet promised to a stamped note."""
        return max(-self.exposure, ZERO)

    @property
    def headroom(self) -> Decimal:
        """What may still be stamped before the rule refuses."""
        return max(self.allowance - self.exposure, ZERO)

    @property
    def shortfall(self) -> Decimal:
        """How much must be paid (or credit given) before this amount is covered."""
        return max(self.after - self.allowance, ZERO)

    @property
    def covered(self) -> bool:
        return self.coverage is not None

    @property
    def coverage_label(self) -> str:
        from orders.enums import Coverage

        return str(Coverage(self.coverage).label) if self.coverage else ""

    @property
    def refusal(self) -> str:
        """The rule that refuses the stamp, in the users' words ("" when covered)."""
        if self.covered:
            return ""
        if self.customer.on_credit_hold:
            return _("The customer is on credit hold: no note may be stamped until it is released.")
        if self.is_prepaid:
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


def coverage_picture(
    *, customer: Customer, amount: Decimal, exclude_note_id: int | None = None
) -> CoveragePicture:
    """The figures the stamp rule (finance.services.coverage_for) decides on."""
    return CoveragePicture(
        customer=customer,
        amount=amount,
        balance=services.customer_balance(customer=customer),
        pending=services.pending_stamped_value(customer=customer, exclude_note_id=exclude_note_id),
        allowance=services.credit_allowance(customer=customer),
        coverage=services.coverage_for(
            customer=customer, amount=amount, exclude_note_id=exclude_note_id
        ),
    )
