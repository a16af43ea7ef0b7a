"""What the reports count, for every report: which delivery notes are sales
and what they are worth, which orders count as ordered, the company's days and
periods, and links into the pages.

What "sales" means here (DESIGN.md leaves it open):

- A sale is a delivery note whose goods left stock: the warehouse dispatched it
  (status dispatched, awaiting top-up or exited; the receivable is charged at
  that moment too). It counts on its dispatch day in the company time zone.
- Its value is what was loaded: ``actual_value`` (the weighed quantities at
  the note's prices), or the note's ``value`` when no actual value was set.
  Per product, a line is worth ``actual_quantity × unit_price`` rounded to the
  cent (as the dispatch computes ``actual_value``), or its amount.
- The salesperson is the customer's salesperson (Customer.salesperson).
- "Ordered" is the total of approved sales orders (approved, partially
  delivered, completed) by order date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import DecimalField, F, QuerySet
from django.db.models.functions import Coalesce, Round, TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from inventory.enums import Unit
from orders.enums import NoteKind, NoteStatus, OrderStatus
from orders.models import DeliveryNote, DeliveryNoteLine, SalesOrder
from reports.enums import Period

ZERO = Decimal("0.00")
ZERO_QTY = Decimal("0.000")
MONEY = DecimalField(max_digits=16, decimal_places=2)
QTY = DecimalField(max_digits=16, decimal_places=3)
TOP = 10
TREND_DAYS = 30

# Notes whose goods left stock: the sales (only notes of a sale: samples and
# non-sale outbound are selling expense, never sales; see sold_notes/sold_lines).
SOLD = [NoteStatus.DISPATCHED, NoteStatus.AWAITING_TOPUP, NoteStatus.EXITED]
# Orders that count as ordered.
ORDERED = [OrderStatus.APPROVED, OrderStatus.PARTIALLY_DELIVERED, OrderStatus.COMPLETED]

NOTE_VALUE = Coalesce(F("actual_value"), F("value"), output_field=MONEY)
LINE_VALUE = Coalesce(
    Round(F("actual_quantity") * F("unit_price"), 2), F("amount"), output_field=MONEY
)
LINE_QUANTITY = Coalesce(F("actual_quantity"), F("quantity"), output_field=QTY)


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the company time zone."""
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone()
    )


def day_range(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) instants covering the days first..last (company time zone)."""
    return day_start(first), day_start(last + dt.timedelta(days=1))


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def period_dates(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    if period == Period.TODAY:
        return today, today
    if period == Period.WEEK:
        return today - dt.timedelta(days=6), today
    if period == Period.DAYS_30:
        return today - dt.timedelta(days=TREND_DAYS - 1), today
    if period == Period.QUARTER:
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    if period == Period.YEAR:
        return today.replace(month=1, day=1), today
    return today.replace(day=1), today


def page_url(name: str, *args, query: dict | None = None) -> str | None:
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:  # a page another issue builds
        return None
    return f"{url}?{urlencode(query)}" if query else url


def sales_url(**query) -> str | None:
    """The sales analysis page with these filters (empty ones left out)."""
    clean = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in query.items() if v}
    return page_url("reports:sales", query=clean)


def sold_notes(first: dt.date, last: dt.date) -> QuerySet[DeliveryNote]:
    start, end = day_range(first, last)
    return DeliveryNote.objects.sales().filter(
        status__in=SOLD, dispatched_at__gte=start, dispatched_at__lt=end
    )


def sold_lines(first: dt.date, last: dt.date) -> QuerySet[DeliveryNoteLine]:
    start, end = day_range(first, last)
    return DeliveryNoteLine.objects.filter(
        note__kind=NoteKind.SALE,
        note__status__in=SOLD,
        note__dispatched_at__gte=start,
        note__dispatched_at__lt=end,
    )


def ordered_orders(first: dt.date, last: dt.date) -> QuerySet[SalesOrder]:
    return SalesOrder.objects.filter(
        status__in=ORDERED, order_date__gte=first, order_date__lte=last
    )


def dispatch_day(field_name: str):
    """The company-time-zone day of a moment, in SQL."""
    return TruncDate(field_name, tzinfo=timezone.get_default_timezone())


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def person_name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def unit_label(unit: str) -> str:
    try:
        return str(Unit(unit).label)
    except ValueError:
        return unit


@dataclass
class Ranked:
    """One row of a top list or of the sales analysis."""

    key: Any
    label: str
    value: Decimal
    notes: int = 0
    quantity: Decimal | None = None
    unit: str = ""
    detail: str = ""
    url: str | None = None
    # Net sales: ``value`` is what was loaded less these (credit notes).
    returns: Decimal = ZERO
    allowances: Decimal = ZERO

    @property
    def gross(self) -> Decimal:
        return self.value + self.returns + self.allowances
