"""The manager's dashboard: the chain's pipeline today, approvals waiting,
sales, the top lists, receivables aging, holds and low stock on one screen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Min, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from customers.models import Customer
from finance import aging
from inventory.models import Product
from inventory.selectors import stock_overview
from orders.enums import NoteStatus, OrderStatus
from orders.models import DeliveryNote, SalesOrder
from reports.enums import Period
from reports.selectors.definitions import (
    MONEY,
    TOP,
    TREND_DAYS,
    ZERO,
    Ranked,
    page_url,
    period_dates,
    sales_url,
)
from reports.selectors.sales_figures import (
    DayFigures,
    daily_figures,
    period_totals,
    rolled_up_through,
    top_customers,
    top_products,
    top_salespeople,
)
from salesadmin.clock import company_today


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
            url=page_url("orders:note_list", query={"status": status}),
        )
        for status, _since in STAGES
    ]
    return Pipeline(
        today=today,
        stages=stages,
        exited_today=row["exited_n"],
        exited_url=page_url("orders:note_list", query={"status": NoteStatus.EXITED}),
        expired_today=row["expired_n"],
        expired_url=page_url(
            "orders:note_list",
            query={"status": NoteStatus.EXPIRED, "date": yesterday.isoformat()},
        ),
        stuck=row["stuck_n"],
        stuck_url=page_url("orders:note_list", query={"status": NoteStatus.DISPATCHED, "date": ""}),
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
        url=page_url("orders:approval_list"),
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
    key = f"reports:aging:{today.isoformat()}"
    summary = cache.get(key)
    if summary is None:
        summary = aging.aging_summary(as_of=today, top=TOP)
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
        aging_url=page_url("finance:aging"),
        overdue_url=page_url("finance:invoice_list", query={"status": "open", "overdue": "1"}),
        on_hold=on_hold,
        on_hold_count=on_hold_count,
        on_hold_url=page_url("customers:list", query={"hold": "yes"}),
        below_safety=below[:TOP],
        below_safety_count=len(below),
        below_safety_url=page_url("inventory:stock", query={"below": "1"}),
        links={
            "today": sales_url(date_from=today, date_to=today, group_by="customer"),
        },
    )
