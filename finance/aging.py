"""Receivables aging (账龄): what customers owe on open invoices, by how long
past due, as of a date (the company's today by default).

Buckets count whole days past the due date: an invoice due today is current,
one day late is in 1–30, thirty days in 1–30, thirty-one in 31–60, ninety in
61–90 and ninety-one over 90. What ages is the OPEN amount (amount − paid) of
open invoices; void and paid invoices are not receivables, and invoices issued
after the date did not exist yet on it.

One selector answers the report, the manager dashboard and the API alike:
``aging_report`` (one GROUP BY customer query with a conditional sum per
bucket) and ``aging_summary`` (its totals and top debtors).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from finance.enums import InvoiceStatus
from finance.models import Invoice
from salesadmin.clock import company_today

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=16, decimal_places=2)

# (key, label, lowest days past due, highest days past due or None)
BUCKETS: list[tuple[str, str, int | None, int | None]] = [
    ("current", _("Current"), None, 0),
    ("days_1_30", _("1–30 days"), 1, 30),
    ("days_31_60", _("31–60 days"), 31, 60),
    ("days_61_90", _("61–90 days"), 61, 90),
    ("over_90", _("Over 90 days"), 91, None),
]
BUCKET_KEYS = [key for key, *_rest in BUCKETS]
BUCKET_LABELS = {key: label for key, label, *_rest in BUCKETS}


def _bucket_q(key: str, as_of: dt.date) -> Q:
    """Invoices whose due date puts them in the bucket on ``as_of``.

    Plain date comparisons (no per-row arithmetic), so the (status, due_date)
    index serves them: ``as_of - due_date`` between low and high days.
    """
    _key, _label, low, high = next(b for b in BUCKETS if b[0] == key)
    q = Q()
    if high is not None:
        q &= Q(due_date__gte=as_of - dt.timedelta(days=high))
    if low is not None:
        q &= Q(due_date__lte=as_of - dt.timedelta(days=low))
    return q


def open_invoices(*, as_of: dt.date | None = None) -> QuerySet[Invoice]:
    """Open invoices with something left to pay, as issued by ``as_of``."""
    as_of = as_of or company_today()
    return Invoice.objects.filter(
        status=InvoiceStatus.OPEN, issue_date__lte=as_of, paid_amount__lt=F("amount")
    )


@dataclass
class AgingRow:
    customer_id: int | None
    code: str = ""
    name: str = ""
    on_credit_hold: bool = False
    buckets: dict[str, Decimal] = field(default_factory=dict)
    total: Decimal = ZERO
    invoices: int = 0

    @property
    def overdue(self) -> Decimal:
        return self.total - self.buckets.get("current", ZERO)

    def cells(self) -> list[tuple[str, Decimal]]:
        """(bucket key, amount) in bucket order, for templates and exports."""
        return [(key, self.buckets.get(key, ZERO)) for key in BUCKET_KEYS]


@dataclass
class AgingReport:
    as_of: dt.date
    rows: list[AgingRow]
    totals: AgingRow

    @property
    def buckets(self) -> list[tuple[str, str]]:
        return [(key, BUCKET_LABELS[key]) for key in BUCKET_KEYS]


def aging_report(as_of: dt.date | None = None, *, customer_id: int | None = None) -> AgingReport:
    """Per customer: open amount per bucket and in total, largest debt first.

    One query: GROUP BY customer with a conditional SUM per bucket; the totals
    are added up from the rows.
    """
    as_of = as_of or company_today()
    open_amount = F("amount") - F("paid_amount")
    sums = {
        key: Coalesce(
            Sum(open_amount, filter=_bucket_q(key, as_of)), Value(ZERO), output_field=MONEY
        )
        for key in BUCKET_KEYS
    }
    qs = open_invoices(as_of=as_of)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    grouped = (
        qs.values("customer_id", "customer__code", "customer__name", "customer__on_credit_hold")
        .annotate(
            **sums,
            total=Sum(open_amount, output_field=MONEY),
            invoice_count=Count("id"),
        )
        .order_by("-total", "customer__code")
    )
    rows = []
    totals = AgingRow(customer_id=None, buckets=dict.fromkeys(BUCKET_KEYS, ZERO))
    for r in grouped:
        row = AgingRow(
            customer_id=r["customer_id"],
            code=r["customer__code"],
            name=r["customer__name"],
            on_credit_hold=r["customer__on_credit_hold"],
            buckets={key: r[key] for key in BUCKET_KEYS},
            total=r["total"],
            invoices=r["invoice_count"],
        )
        rows.append(row)
        for key in BUCKET_KEYS:
            totals.buckets[key] += row.buckets[key]
        totals.total += row.total
        totals.invoices += row.invoices
    return AgingReport(as_of=as_of, rows=rows, totals=totals)


@dataclass
class AgingSummary:
    as_of: dt.date
    totals: dict[str, Decimal]  # per bucket key, plus "total"
    top_debtors: list[AgingRow]
    customers: int

    @property
    def buckets(self) -> list[tuple[str, str, Decimal]]:
        return [(key, BUCKET_LABELS[key], self.totals[key]) for key in BUCKET_KEYS]


def aging_summary(as_of: dt.date | None = None, top: int = 10) -> AgingSummary:
    """Totals per bucket and the ``top`` customers owing most (the manager dashboard)."""
    report = aging_report(as_of)
    totals = {**report.totals.buckets, "total": report.totals.total}
    return AgingSummary(
        as_of=report.as_of,
        totals=totals,
        top_debtors=report.rows[:top],
        customers=len(report.rows),
    )


def aging_invoices(
    *, customer_id: int, bucket: str | None = None, as_of: dt.date | None = None
) -> QuerySet[Invoice]:
    """Drill-down: a customer's open invoices (in one bucket), oldest due first,
    each with ``open`` and ``days_overdue`` on ``as_of``."""
    as_of = as_of or company_today()
    qs = open_invoices(as_of=as_of).filter(customer_id=customer_id)
    if bucket:
        if bucket not in BUCKET_KEYS:
            raise ValueError(f"Unknown aging bucket {bucket!r}.")
        qs = qs.filter(_bucket_q(bucket, as_of))
    return qs.annotate(open=F("amount") - F("paid_amount")).order_by("due_date", "id")


def days_overdue(invoice: Invoice, as_of: dt.date) -> int:
    return max((as_of - invoice.due_date).days, 0)


def bucket_of(days_past_due: int) -> str:
    for key, _label, low, high in BUCKETS:
        if (low is None or days_past_due >= low) and (high is None or days_past_due <= high):
            return key
    raise AssertionError("the buckets cover every day")
