"""Reads for the manager's dashboard, the sales analysis and the three-way
reconciliation (三方核对). Read-only; every figure is an SQL aggregate, and each
report is a fixed number of queries however much data lies behind it.

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
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Round, TruncDate, TruncMonth
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from inventory.enums import MoveKind, Unit
from inventory.models import Product, StockMove
from inventory.selectors import stock_overview
from orders.enums import NoteStatus, OrderStatus
from orders.models import (
    DeliveryNote,
    DeliveryNoteLine,
    DispatchAllocation,
    GateExit,
    SalesOrder,
)
from reports.enums import GroupBy, MismatchKind, Period
from salesadmin.clock import company_today

ZERO = Decimal("0.00")
ZERO_QTY = Decimal("0.000")
MONEY = DecimalField(max_digits=16, decimal_places=2)
QTY = DecimalField(max_digits=16, decimal_places=3)
TOP = 10
TREND_DAYS = 30

# Notes whose goods left stock: the sales.
SOLD = [NoteStatus.DISPATCHED, NoteStatus.AWAITING_TOPUP, NoteStatus.EXITED]
# Orders that count as ordered.
ORDERED = [OrderStatus.APPROVED, OrderStatus.PARTIALLY_DELIVERED, OrderStatus.COMPLETED]

NOTE_VALUE = Coalesce(F("actual_value"), F("value"), output_field=MONEY)
LINE_VALUE = Coalesce(
    Round(F("actual_quantity") * F("unit_price"), 2), F("amount"), output_field=MONEY
)
LINE_QUANTITY = Coalesce(F("actual_quantity"), F("quantity"), output_field=QTY)


# --- Time ------------------------------------------------------------------------


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


def _url(name: str, *args, query: dict | None = None) -> str | None:
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:  # a page another issue builds
        return None
    return f"{url}?{urlencode(query)}" if query else url


def sales_url(**query) -> str | None:
    """The sales analysis page with these filters (empty ones left out)."""
    clean = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in query.items() if v}
    return _url("reports:sales", query=clean)


# --- Sales -----------------------------------------------------------------------


def sold_notes(first: dt.date, last: dt.date) -> QuerySet[DeliveryNote]:
    start, end = day_range(first, last)
    return DeliveryNote.objects.filter(
        status__in=SOLD, dispatched_at__gte=start, dispatched_at__lt=end
    )


def sold_lines(first: dt.date, last: dt.date) -> QuerySet[DeliveryNoteLine]:
    start, end = day_range(first, last)
    return DeliveryNoteLine.objects.filter(
        note__status__in=SOLD, note__dispatched_at__gte=start, note__dispatched_at__lt=end
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


@dataclass
class Split:
    """Which days of a range come from the day tables (closed days already
    rolled up) and which from the notes themselves (today, and any day the
    rollup has not reached)."""

    closed: tuple[dt.date, dt.date] | None
    live: tuple[dt.date, dt.date] | None


def split(first: dt.date, last: dt.date, through: dt.date | None) -> Split:
    if through is None or through < first:
        return Split(closed=None, live=(first, last))
    if through >= last:
        return Split(closed=(first, last), live=None)
    return Split(closed=(first, through), live=(through + dt.timedelta(days=1), last))


def rolled_up_through() -> dt.date | None:
    from reports.rollup import rolled_up_through as through

    return through()


_UNSET: Any = object()


def _through(through):
    return rolled_up_through() if through is _UNSET else through


def _merge(rows, key: str, sums: list[str], into: dict) -> dict:
    for row in rows:
        current = into.setdefault(row[key], dict.fromkeys(sums, 0))
        for name in sums:
            current[name] += row[name] or 0
    return into


@dataclass
class DayFigures:
    day: dt.date
    sales: Decimal = ZERO  # net: what was loaded less the day's returns and allowances
    notes: int = 0
    ordered: Decimal = ZERO
    orders: int = 0
    returns: Decimal = ZERO  # credit notes of returns received that day
    allowances: Decimal = ZERO  # credit notes of allowances approved that day

    @property
    def gross(self) -> Decimal:
        return self.sales + self.returns + self.allowances


def credits_by_day(first: dt.date, last: dt.date) -> dict[dt.date, dict[str, Decimal]]:
    """Returns and allowances per day, on the day they take effect (the credit
    note's date). Credit notes are never changed, so closed days and live
    days read them alike; one indexed query."""
    from finance.models import CreditNote

    found: dict[dt.date, dict[str, Decimal]] = {}
    rows = (
        CreditNote.objects.filter(issue_date__range=(first, last))
        .values("issue_date", "source")
        .annotate(value=Sum("amount"))
        .order_by()
    )
    for row in rows:
        found.setdefault(row["issue_date"], {})[row["source"]] = row["value"]
    return found


def _net_of_credits(days: dict[dt.date, DayFigures], first: dt.date, last: dt.date) -> None:
    from finance.enums import CreditNoteSource

    for day, sources in credits_by_day(first, last).items():
        figures = days[day]
        figures.returns = sources.get(CreditNoteSource.RETURN, ZERO)
        figures.allowances = sources.get(CreditNoteSource.ALLOWANCE, ZERO)
        figures.sales -= figures.returns + figures.allowances


def daily_figures(first: dt.date, last: dt.date, *, through=_UNSET) -> list[DayFigures]:
    """Sales and ordered per day, every day of first..last (zero days included).
    Three queries at most: closed days, live days, orders."""
    from reports.models import DaySales

    parts = split(first, last, _through(through))
    days = {
        first + dt.timedelta(days=i): DayFigures(day=first + dt.timedelta(days=i))
        for i in range((last - first).days + 1)
    }
    rows: list[dict] = []
    if parts.closed:
        rows += (
            DaySales.objects.filter(day__range=parts.closed)
            .values("day")
            .annotate(sales=Sum("value"), n=Sum("notes"))
            .order_by()
        )
    if parts.live:
        rows += (
            sold_notes(*parts.live)
            .annotate(day=dispatch_day("dispatched_at"))
            .values("day")
            .annotate(sales=Sum(NOTE_VALUE), n=Count("id"))
            .order_by()
        )
    for row in rows:
        days[row["day"]].sales += row["sales"]
        days[row["day"]].notes += row["n"]
    _net_of_credits(days, first, last)
    ordered = (
        ordered_orders(first, last)
        .values("order_date")
        .annotate(total=Sum("total"), n=Count("id"))
        .order_by()
    )
    for row in ordered:
        days[row["order_date"]].ordered = row["total"]
        days[row["order_date"]].orders = row["n"]
    return list(days.values())


def _person_name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


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


def _ranked(totals: dict, limit: int | None) -> list[tuple[Any, dict]]:
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1]["value"], kv[0]))
    return ranked[:limit] if limit else ranked


def top_products(
    first: dt.date, last: dt.date, *, limit: int | None = TOP, through=_UNSET
) -> list[Ranked]:
    """Products by sales value, with the quantity loaded. Three queries at most."""
    from reports.models import DayProductSales

    parts = split(first, last, _through(through))
    totals: dict = {}
    sums = ["value", "quantity"]
    if parts.closed:
        closed = DayProductSales.objects.filter(day__range=parts.closed)
        closed = closed.values("product_id").annotate(value=Sum("value"), quantity=Sum("quantity"))
        _merge(closed.order_by(), "product_id", sums, totals)
    if parts.live:
        live = sold_lines(*parts.live).values("product_id")
        live = live.annotate(value=Sum(LINE_VALUE), quantity=Sum(LINE_QUANTITY))
        _merge(live.order_by(), "product_id", sums, totals)
    top = _ranked(totals, limit)
    products = Product.objects.in_bulk([pk for pk, _sums in top])
    return [
        Ranked(
            key=pk,
            label=f"{products[pk].name} {products[pk].specification}".strip(),
            detail=products[pk].sku,
            value=sums["value"],
            quantity=sums["quantity"],
            unit=_unit_label(products[pk].unit),
            url=sales_url(date_from=first, date_to=last, product=pk, group_by="day"),
        )
        for pk, sums in top
    ]


def _unit_label(unit: str) -> str:
    try:
        return str(Unit(unit).label)
    except ValueError:
        return unit


def _by_customer_field(first, last, through, field_name: str, limit: int | None) -> list:
    """(key, value, notes) per value of a customer field (its id, its
    salesperson), closed days and live days added up and ranked in one query:
    a month has thousands of customers, a page shows ten."""
    from reports.models import DaySales

    parts = split(first, last, through)
    subqueries = []
    if parts.closed:
        closed = DaySales.objects.filter(day__range=parts.closed).values(field_name)
        subqueries.append(
            closed.annotate(value=Sum("value"), n=Sum("notes")).values_list(
                field_name, "value", "n"
            )
        )
    if parts.live:
        live = sold_notes(*parts.live).values(field_name)
        subqueries.append(
            live.annotate(value=Sum(NOTE_VALUE), n=Count("id")).values_list(
                field_name, "value", "n"
            )
        )
    sqls, params = [], []
    for qs in subqueries:
        sql, sql_params = qs.order_by().query.sql_with_params()
        sqls.append(f"({sql})")
        params.extend(sql_params)
    union = " UNION ALL ".join(sqls)
    top = f" LIMIT {int(limit)}" if limit else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT k, SUM(v), SUM(n) FROM ({union}) AS t (k, v, n) "
            f"GROUP BY k ORDER BY 2 DESC, 1 NULLS LAST{top}",
            params,
        )
        return [(key, value, int(n)) for key, value, n in cursor.fetchall()]


def top_customers(
    first: dt.date, last: dt.date, *, limit: int | None = TOP, through=_UNSET
) -> list[Ranked]:
    top = _by_customer_field(first, last, _through(through), "customer_id", limit)
    customers = Customer.objects.only("code", "name").in_bulk([pk for pk, *_sums in top])
    return [
        Ranked(
            key=pk,
            label=customers[pk].name,
            detail=customers[pk].code,
            value=value,
            notes=notes,
            url=sales_url(
                date_from=first, date_to=last, customer=customers[pk].code, group_by="product"
            ),
        )
        for pk, value, notes in top
    ]


def top_salespeople(
    first: dt.date, last: dt.date, *, limit: int | None = TOP, through=_UNSET
) -> list[Ranked]:
    from django.contrib.auth import get_user_model

    top = _by_customer_field(first, last, _through(through), "customer__salesperson_id", limit)
    people = (
        get_user_model()
        .objects.only("username", "first_name", "last_name")
        .in_bulk([pk for pk, *_sums in top if pk])
    )
    return [
        Ranked(
            key=pk,
            label=_person_name(people[pk].first_name, people[pk].last_name, people[pk].username)
            if pk
            else str(_("(no salesperson)")),
            value=value,
            notes=notes,
            url=sales_url(
                date_from=first, date_to=last, salesperson=pk or "none", group_by="customer"
            ),
        )
        for pk, value, notes in top
    ]


def period_totals(first: dt.date, last: dt.date, *, through=_UNSET) -> dict:
    """Sales value and notes, and ordered, over the period. Three queries at most."""
    from reports.models import DaySales

    parts = split(first, last, _through(through))
    sales, notes = ZERO, 0
    if parts.closed:
        row = DaySales.objects.filter(day__range=parts.closed).aggregate(
            value=Sum("value"), notes=Sum("notes")
        )
        sales, notes = sales + (row["value"] or ZERO), notes + (row["notes"] or 0)
    if parts.live:
        row = sold_notes(*parts.live).aggregate(value=Sum(NOTE_VALUE), notes=Count("id"))
        sales, notes = sales + (row["value"] or ZERO), notes + row["notes"]
    ordered = ordered_orders(first, last).aggregate(
        total=Coalesce(Sum("total"), Value(ZERO), output_field=MONEY), orders=Count("id")
    )
    credits = credits_by_day(first, last).values()
    returns = sum((c.get("return", ZERO) for c in credits), ZERO)
    allowances = sum((c.get("allowance", ZERO) for c in credits), ZERO)
    return {
        "sales": sales - returns - allowances,
        "returns": returns,
        "allowances": allowances,
        "notes": notes,
        "ordered": ordered["total"],
        "orders": ordered["orders"],
    }


# --- The dashboard ---------------------------------------------------------------


@dataclass
class Stage:
    status: str
    label: str
    count: int
    oldest_since: dt.datetime | None
    url: str | None

    @property
    def waited(self) -> dt.timedelta | None:
        return timezone.now() - self.oldest_since if self.oldest_since else None


# The pipeline's stages, and since when a note has waited at each.
STAGES = [
    (NoteStatus.ISSUED, "issued_at"),
    (NoteStatus.STAMPED, "stamped_at"),
    (NoteStatus.DISPATCHED, "dispatched_at"),
    (NoteStatus.AWAITING_TOPUP, "dispatched_at"),
]


@dataclass
class Pipeline:
    today: dt.date
    stages: list[Stage]
    exited_today: int
    exited_url: str | None
    expired_today: int  # lapsed at midnight: issued yesterday, not dispatched
    expired_url: str | None
    stuck: int  # loaded on an earlier day and never let out at the gate
    stuck_url: str | None


def pipeline(today: dt.date | None = None) -> Pipeline:
    """Today's delivery notes at each stage of the chain, with since when the
    oldest has waited; notes that expired at midnight; loaded notes of earlier
    days still not out. One query."""
    today = today or company_today()
    yesterday = today - dt.timedelta(days=1)
    waiting = [NoteStatus.DISPATCHED, NoteStatus.AWAITING_TOPUP]
    aggregates: dict[str, Any] = {}
    is_today = Q(issue_date=today)
    for status, since in STAGES:
        here = is_today & Q(status=status)
        aggregates[f"{status}_n"] = Count("id", filter=here)
        aggregates[f"{status}_oldest"] = Min(since, filter=here)
    aggregates["exited_n"] = Count("id", filter=is_today & Q(status=NoteStatus.EXITED))
    aggregates["expired_n"] = Count("id", filter=Q(issue_date=yesterday, status=NoteStatus.EXPIRED))
    aggregates["stuck_n"] = Count("id", filter=Q(issue_date__lt=today, status__in=waiting))
    row = DeliveryNote.objects.filter(
        Q(issue_date__gte=yesterday) | Q(status__in=waiting)
    ).aggregate(**aggregates)
    labels = dict(NoteStatus.choices)
    stages = [
        Stage(
            status=status,
            label=labels[status],
            count=row[f"{status}_n"],
            oldest_since=row[f"{status}_oldest"],
            url=_url("orders:note_list", query={"status": status}),
        )
        for status, _since in STAGES
    ]
    return Pipeline(
        today=today,
        stages=stages,
        exited_today=row["exited_n"],
        exited_url=_url("orders:note_list", query={"status": NoteStatus.EXITED}),
        expired_today=row["expired_n"],
        expired_url=_url(
            "orders:note_list",
            query={"status": NoteStatus.EXPIRED, "date": yesterday.isoformat()},
        ),
        stuck=row["stuck_n"],
        stuck_url=_url("orders:note_list", query={"status": NoteStatus.DISPATCHED, "date": ""}),
    )


@dataclass
class Approvals:
    count: int
    oldest_since: dt.datetime | None
    value: Decimal
    url: str | None


def approvals_waiting() -> Approvals:
    row = SalesOrder.objects.filter(status=OrderStatus.SUBMITTED).aggregate(
        n=Count("id"),
        oldest=Min("submitted_at"),
        value=Coalesce(Sum("total"), Value(ZERO), output_field=MONEY),
    )
    return Approvals(
        count=row["n"],
        oldest_since=row["oldest"],
        value=row["value"],
        url=_url("orders:approval_list"),
    )


@dataclass
class Dashboard:
    today: dt.date
    period: str
    period_label: str
    first: dt.date
    last: dt.date
    pipeline: Pipeline
    approvals: Approvals
    sales_today: DayFigures
    month: dict
    trend: list[DayFigures]
    totals: dict  # over the chosen period
    top_products: list[Ranked]
    top_customers: list[Ranked]
    top_salespeople: list[Ranked]
    aging: Any  # finance.aging.AgingSummary
    aging_url: str | None
    overdue_url: str | None
    on_hold: list[Customer]
    on_hold_count: int
    on_hold_url: str | None
    below_safety: list[Product]
    below_safety_count: int
    below_safety_url: str | None
    links: dict = field(default_factory=dict)


def _totals(days: list[DayFigures], first: dt.date, last: dt.date, through) -> dict:
    """The period's totals: added up from the days already read when the
    period lies within them (every period but the quarter and the year)."""
    if days and days[0].day <= first and last <= days[-1].day:
        inside = [d for d in days if first <= d.day <= last]
        return {
            "sales": sum((d.sales for d in inside), ZERO),
            "returns": sum((d.returns for d in inside), ZERO),
            "allowances": sum((d.allowances for d in inside), ZERO),
            "notes": sum(d.notes for d in inside),
            "ordered": sum((d.ordered for d in inside), ZERO),
            "orders": sum(d.orders for d in inside),
        }
    return period_totals(first, last, through=through)


# The receivables aging moves only with invoices and payments, and building
# it (finance.aging: one row per customer owing) is the dashboard's costliest
# part: each process keeps it a minute.
AGING_CACHE_SECONDS = 60


def dashboard_aging(today: dt.date):
    from django.core.cache import cache

    from finance.aging import aging_summary

    key = f"reports:aging:{today.isoformat()}"
    summary = cache.get(key)
    if summary is None:
        summary = aging_summary(as_of=today, top=TOP)
        cache.set(key, summary, AGING_CACHE_SECONDS)
    return summary


def dashboard(*, period: str = Period.MONTH, today: dt.date | None = None) -> Dashboard:
    """Everything on the manager's one screen: about 20 queries, whatever the data."""
    today = today or company_today()
    if period not in Period.values:
        period = Period.MONTH
    first, last = period_dates(period, today)
    month_first = today.replace(day=1)
    # One daily query feeds today, this month and the 30-day trend.
    trend_first = today - dt.timedelta(days=TREND_DAYS - 1)
    through = rolled_up_through()
    days = daily_figures(min(month_first, trend_first), today, through=through)
    this_month = [d for d in days if d.day >= month_first]
    month = {
        "sales": sum((d.sales for d in this_month), ZERO),
        "returns": sum((d.returns for d in this_month), ZERO),
        "allowances": sum((d.allowances for d in this_month), ZERO),
        "credits": sum((d.returns + d.allowances for d in this_month), ZERO),
        "notes": sum(d.notes for d in this_month),
        "ordered": sum((d.ordered for d in this_month), ZERO),
        "first": month_first,
        "url": sales_url(date_from=month_first, date_to=today, group_by="day"),
    }
    on_hold_qs = Customer.objects.filter(on_credit_hold=True)
    on_hold = list(on_hold_qs.order_by("-credit_hold_since", "code")[:TOP])
    on_hold_count = len(on_hold) if len(on_hold) < TOP else on_hold_qs.count()
    below = list(stock_overview(below_safety=True))
    sales_today = days[-1]
    return Dashboard(
        today=today,
        period=period,
        period_label=dict(Period.choices)[period],
        first=first,
        last=last,
        pipeline=pipeline(today),
        approvals=approvals_waiting(),
        sales_today=sales_today,
        month=month,
        trend=[d for d in days if d.day >= trend_first],
        totals={
            **_totals(days, first, last, through),
            "url": sales_url(date_from=first, date_to=last, group_by="day"),
        },
        top_products=top_products(first, last, through=through),
        top_customers=top_customers(first, last, through=through),
        top_salespeople=top_salespeople(first, last, through=through),
        aging=dashboard_aging(today),
        aging_url=_url("finance:aging"),
        overdue_url=_url("finance:invoice_list", query={"status": "open", "overdue": "1"}),
        on_hold=on_hold,
        on_hold_count=on_hold_count,
        on_hold_url=_url("customers:list", query={"hold": "yes"}),
        below_safety=below[:TOP],
        below_safety_count=len(below),
        below_safety_url=_url("inventory:stock", query={"below": "1"}),
        links={
            "today": sales_url(date_from=today, date_to=today, group_by="customer"),
        },
    )


# --- Sales analysis --------------------------------------------------------------


@dataclass
class SalesQuery:
    date_from: dt.date
    date_to: dt.date
    group_by: str = GroupBy.DAY
    customer_id: int | None = None
    customer_code: str = ""  # for the links: the page filters customers by code
    product_id: int | None = None
    # A user id, or "none" for customers without a salesperson.
    salesperson: int | str | None = None

    @classmethod
    def from_filters(cls, data: dict) -> SalesQuery:
        """From the page's cleaned form or the API's validated query: dates,
        group, customer and product objects, salesperson id or "none"."""
        customer, product = data.get("customer"), data.get("product")
        person = data.get("salesperson") or None
        return cls(
            date_from=data["date_from"],
            date_to=data["date_to"],
            group_by=data["group_by"],
            customer_id=customer.pk if customer else None,
            customer_code=customer.code if customer else "",
            product_id=product.pk if product else None,
            salesperson=person if person in (None, "none") else int(person),
        )

    def filter_params(self) -> dict:
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "customer": self.customer_code,
            "product": self.product_id,
            "salesperson": self.salesperson,
        }


def _analysis_lines(q: SalesQuery) -> QuerySet[DeliveryNoteLine]:
    lines = sold_lines(q.date_from, q.date_to)
    if q.customer_id:
        lines = lines.filter(note__customer_id=q.customer_id)
    if q.product_id:
        lines = lines.filter(product_id=q.product_id)
    if q.salesperson == "none":
        lines = lines.filter(note__customer__salesperson__isnull=True)
    elif q.salesperson:
        lines = lines.filter(note__customer__salesperson_id=q.salesperson)
    return lines


_GROUPS = {
    GroupBy.PRODUCT: [
        "product_id",
        "product__sku",
        "product__name",
        "product__specification",
        "product__unit",
    ],
    GroupBy.CUSTOMER: ["note__customer_id", "note__customer__code", "note__customer__name"],
    GroupBy.SALESPERSON: [
        "note__customer__salesperson_id",
        "note__customer__salesperson__username",
        "note__customer__salesperson__first_name",
        "note__customer__salesperson__last_name",
    ],
}


def sales_rows(q: SalesQuery) -> QuerySet:
    """Sales grouped as asked: one dict per group with ``value``, ``quantity``
    (the loaded quantity: meaningful per product), ``notes``. By day and
    month in date order, otherwise largest first."""
    lines = _analysis_lines(q)
    tz = timezone.get_default_timezone()
    sums = {
        "value": Sum(LINE_VALUE),
        "quantity": Sum(LINE_QUANTITY),
        "notes": Count("note_id", distinct=True),
    }
    if q.group_by == GroupBy.DAY:
        return (
            lines.annotate(period=dispatch_day("note__dispatched_at"))
            .values("period")
            .annotate(**sums)
            .order_by("period")
        )
    if q.group_by == GroupBy.MONTH:
        return (
            lines.annotate(period=TruncMonth("note__dispatched_at", tzinfo=tz))
            .values("period")
            .annotate(**sums)
            .order_by("period")
        )
    keys = _GROUPS[GroupBy(q.group_by)]
    return lines.values(*keys).annotate(**sums).order_by("-value", keys[1])


def sales_row(q: SalesQuery, row: dict) -> Ranked:
    """A grouped row in words, with the link that narrows the analysis to it."""
    params = q.filter_params()
    if q.group_by in (GroupBy.DAY, GroupBy.MONTH):
        period = row["period"]
        if isinstance(period, dt.datetime):
            period = (
                timezone.localtime(period).date() if timezone.is_aware(period) else period.date()
            )
        if q.group_by == GroupBy.DAY:
            label, first, last = period.isoformat(), period, period
        else:
            label = period.strftime("%Y-%m")
            first, last = month_bounds(period)
        narrowed = {**params, "date_from": first, "date_to": last, "group_by": GroupBy.CUSTOMER}
        key = period
    elif q.group_by == GroupBy.PRODUCT:
        key = row["product_id"]
        label = f"{row['product__name']} {row['product__specification']}".strip()
        narrowed = {**params, "product": key, "group_by": GroupBy.CUSTOMER}
    elif q.group_by == GroupBy.CUSTOMER:
        key = row["note__customer_id"]
        label = row["note__customer__name"]
        narrowed = {
            **params,
            "customer": row["note__customer__code"],
            "group_by": GroupBy.PRODUCT,
        }
    else:
        key = row["note__customer__salesperson_id"]
        label = (
            _person_name(
                row["note__customer__salesperson__first_name"] or "",
                row["note__customer__salesperson__last_name"] or "",
                row["note__customer__salesperson__username"] or "",
            )
            if key
            else str(_("(no salesperson)"))
        )
        narrowed = {**params, "salesperson": key or "none", "group_by": GroupBy.CUSTOMER}
    detail, unit = "", ""
    if q.group_by == GroupBy.PRODUCT:
        detail, unit = row["product__sku"], _unit_label(row["product__unit"])
    elif q.group_by == GroupBy.CUSTOMER:
        detail = row["note__customer__code"]
    return Ranked(
        key=key,
        label=label,
        detail=detail,
        value=row["value"],
        quantity=row["quantity"],
        unit=unit,
        notes=row["notes"],
        url=sales_url(**narrowed),
    )


def sales_totals(q: SalesQuery) -> dict:
    row = _analysis_lines(q).aggregate(
        value=Coalesce(Sum(LINE_VALUE), Value(ZERO), output_field=MONEY),
        quantity=Coalesce(Sum(LINE_QUANTITY), Value(ZERO_QTY), output_field=QTY),
        notes=Count("note_id", distinct=True),
    )
    return row


# --- Three-way reconciliation (三方核对) -----------------------------------------


@dataclass
class ProductReconciliation:
    product_id: int
    label: str
    sku: str
    unit: str
    noted: Decimal = ZERO_QTY  # actual quantities on notes dispatched in the month
    moved: Decimal = ZERO_QTY  # dispatch moves of those notes, and unlinked ones of the month
    exited: Decimal = ZERO_QTY  # of those notes, what left through the gate by month end
    # Loaded today and not out yet (running month only): not late, not missing.
    at_gate: Decimal = ZERO_QTY

    @property
    def balanced(self) -> bool:
        return self.noted == self.moved == self.exited + self.at_gate


@dataclass
class Mismatch:
    kind: str
    product: str = ""
    note_id: int | None = None
    note_number: str = ""
    noted: Decimal | None = None
    moved: Decimal | None = None
    moves: list[tuple[int, Decimal]] = field(default_factory=list)
    gate_exit_at: dt.datetime | None = None
    vehicle_plate: str = ""
    at: dt.datetime | None = None

    @property
    def label(self) -> str:
        return str(MismatchKind(self.kind).label)

    @property
    def note_url(self) -> str | None:
        return _url("orders:note_detail", self.note_id) if self.note_id else None

    @property
    def moves_url(self) -> str | None:
        """The stock ledger filtered to the moves' reference (a dispatch move
        carries its note's number)."""
        query = {"kind": MoveKind.DISPATCH}
        if self.note_number:
            query["reference"] = self.note_number
        return _url("inventory:moves", query=query) if self.moves else None


@dataclass
class Reconciliation:
    month: dt.date
    first: dt.date
    last: dt.date
    cutoff: dt.datetime  # notes dispatched before this should have left by now
    products: list[ProductReconciliation]
    mismatches: list[Mismatch]

    @property
    def totals(self) -> dict[str, int]:
        counts = dict.fromkeys(MismatchKind.values, 0)
        for m in self.mismatches:
            counts[m.kind] += 1
        return counts


def reconciliation(month: dt.date, *, now: dt.datetime | None = None) -> Reconciliation:
    """Per product: quantities on the delivery notes dispatched in the month vs.
    the warehouse's dispatch moves vs. what left through the gate; and every
    mismatch with its documents. Nine queries.

    A note dispatched in the month should have left by the month's end; in the
    running month, by now (today's loaded trucks are not late yet, they are
    still in the pipeline).
    """
    first, last = month_bounds(month)
    start, end = day_range(first, last)
    now = now or timezone.now()
    cutoff = min(end, day_start(timezone.localdate(now)))
    in_month = Q(note__dispatched_at__gte=start, note__dispatched_at__lt=end)
    exited_in_time = Q(note__gate_exit__exited_at__lt=end)
    in_month_by_line = Q(
        note_line__note__dispatched_at__gte=start, note_line__note__dispatched_at__lt=end
    )
    unlinked_moves = StockMove.objects.filter(
        ~Exists(DispatchAllocation.objects.filter(stock_move_id=OuterRef("pk"))),
        kind=MoveKind.DISPATCH,
        created_at__gte=start,
        created_at__lt=end,
    )
    at_gate = Q(note__dispatched_at__gte=cutoff, note__gate_exit__isnull=True)

    by_product: dict[int, ProductReconciliation] = {}

    def row_for(product_id: int) -> ProductReconciliation:
        return by_product.setdefault(
            product_id, ProductReconciliation(product_id=product_id, label="", sku="", unit="")
        )

    noted = (
        DeliveryNoteLine.objects.filter(in_month)
        .values("product_id")
        .annotate(
            noted=Sum(LINE_QUANTITY),
            exited=Coalesce(
                Sum(LINE_QUANTITY, filter=exited_in_time), Value(ZERO_QTY), output_field=QTY
            ),
            at_gate=Coalesce(Sum(LINE_QUANTITY, filter=at_gate), Value(ZERO_QTY), output_field=QTY),
        )
        .order_by()
    )
    for r in noted:
        row = row_for(r["product_id"])
        row.noted, row.exited, row.at_gate = r["noted"], r["exited"], r["at_gate"]
    # Moves of those notes (through their allocations), then the month's
    # dispatch moves that no note accounts for: two plain queries, not one OR.
    linked = (
        DispatchAllocation.objects.filter(in_month_by_line)
        .values(product_id=F("stock_move__product_id"))
        .annotate(moved=-Sum("stock_move__quantity"))
        .order_by()
    )
    for r in linked:
        row_for(r["product_id"]).moved += r["moved"]
    for r in unlinked_moves.values("product_id").annotate(moved=-Sum("quantity")).order_by():
        row_for(r["product_id"]).moved += r["moved"]
    products = Product.objects.filter(pk__in=list(by_product)).only(
        "sku", "name", "specification", "unit"
    )
    for p in products:
        row = by_product[p.pk]
        row.label = f"{p.name} {p.specification}".strip()
        row.sku, row.unit = p.sku, p.get_unit_display()

    mismatches: list[Mismatch] = []
    # 1. A note line whose loaded quantity differs from its dispatch moves.
    lines = (
        DeliveryNoteLine.objects.filter(in_month)
        .annotate(
            noted=LINE_QUANTITY,
            moved=Coalesce(
                -Sum("allocations__stock_move__quantity"), Value(ZERO_QTY), output_field=QTY
            ),
        )
        .filter(~Q(moved=F("noted")))
        .select_related("note", "product")
        .order_by("note__dispatched_at", "note_id", "id")
    )
    lines = list(lines)
    moves_by_line: dict[int, list[tuple[int, Decimal]]] = {}
    if lines:
        for a in DispatchAllocation.objects.filter(note_line__in=lines).values(
            "note_line_id", "stock_move_id", "stock_move__quantity"
        ):
            moves_by_line.setdefault(a["note_line_id"], []).append(
                (a["stock_move_id"], -a["stock_move__quantity"])
            )
    for line in lines:
        mismatches.append(
            Mismatch(
                kind=MismatchKind.QUANTITY,
                product=str(line.product),
                note_id=line.note_id,
                note_number=line.note.number or "",
                noted=line.noted,
                moved=line.moved,
                moves=moves_by_line.get(line.pk, []),
                at=line.note.dispatched_at,
            )
        )
    # 2. Dispatched (loaded) but not out through the gate by the month's end.
    stuck = (
        DeliveryNote.objects.filter(dispatched_at__gte=start, dispatched_at__lt=cutoff)
        .filter(Q(gate_exit__isnull=True) | Q(gate_exit__exited_at__gte=end))
        .select_related("gate_exit")
        .order_by("dispatched_at", "id")
    )
    for note in stuck:
        exit_ = getattr(note, "gate_exit", None)
        mismatches.append(
            Mismatch(
                kind=MismatchKind.NO_GATE_EXIT,
                note_id=note.pk,
                note_number=note.number or "",
                vehicle_plate=note.vehicle_plate,
                gate_exit_at=exit_.exited_at if exit_ else None,
                at=note.dispatched_at,
            )
        )
    # 3. Let out at the gate, but nothing left stock for it.
    has_moves = Exists(DispatchAllocation.objects.filter(note_line__note_id=OuterRef("note_id")))
    exits = (
        GateExit.objects.filter(exited_at__gte=start, exited_at__lt=end)
        .filter(~has_moves)
        .select_related("note")
        .order_by("exited_at", "id")
    )
    for exit_ in exits:
        mismatches.append(
            Mismatch(
                kind=MismatchKind.EXIT_WITHOUT_MOVES,
                note_id=exit_.note_id,
                note_number=exit_.note.number or "",
                gate_exit_at=exit_.exited_at,
                vehicle_plate=exit_.vehicle_plate,
                at=exit_.exited_at,
            )
        )
    # 4. Stock taken out as a dispatch that no delivery note accounts for.
    orphans = unlinked_moves.select_related("product").order_by("created_at", "id")
    for move in orphans:
        mismatches.append(
            Mismatch(
                kind=MismatchKind.UNLINKED_MOVE,
                product=str(move.product),
                moved=-move.quantity,
                moves=[(move.pk, -move.quantity)],
                note_number=move.reference,
                at=move.created_at,
            )
        )
    rows = sorted(by_product.values(), key=lambda r: r.sku)
    return Reconciliation(
        month=first,
        first=first,
        last=last,
        cutoff=cutoff,
        products=rows,
        mismatches=mismatches,
    )
