"""Sales figures over a range of days: per day, per period, and the top
products, customers and salespeople. Closed days come from the day tables
(reports/rollup.py), today and any day not rolled up yet from the notes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from inventory.models import Product
from reports.models import DayProductSales, DaySales
from reports.rollup import rolled_up_through
from reports.selectors.credits import credits_by_product, net_credit_sum
from reports.selectors.definitions import (
    LINE_QUANTITY,
    LINE_VALUE,
    MONEY,
    NOTE_VALUE,
    TOP,
    ZERO,
    ZERO_QTY,
    Ranked,
    dispatch_day,
    ordered_orders,
    person_name,
    sales_url,
    sold_lines,
    sold_notes,
    unit_label,
)


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
    """Sales (net of returns and allowances) and ordered per day, every day of
    first..last (zero days included). Four queries at most: closed days, live
    days, credit notes, orders."""
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


def _ranked(totals: dict, limit: int | None) -> list[tuple[Any, dict]]:
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1]["value"], kv[0]))
    return ranked[:limit] if limit else ranked


def top_products(
    first: dt.date, last: dt.date, *, limit: int | None = TOP, through=_UNSET
) -> list[Ranked]:
    """Products by sales value net of the returns and allowances naming them,
    with the quantity loaded less the quantity returned. Four queries at most."""
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
    for pk, credit in credits_by_product(first, last).items():
        current = totals.setdefault(pk, {"value": ZERO, "quantity": ZERO_QTY})
        current["returns"], current["allowances"] = credit["returns"], credit["allowances"]
        current["value"] -= credit["returns"] + credit["allowances"]
        current["quantity"] -= credit["returned_quantity"]
    top = _ranked(totals, limit)
    products = Product.objects.in_bulk([pk for pk, _sums in top])
    return [
        Ranked(
            key=pk,
            label=f"{products[pk].name} {products[pk].specification}".strip(),
            detail=products[pk].sku,
            value=sums["value"],
            quantity=sums["quantity"],
            returns=sums.get("returns", ZERO),
            allowances=sums.get("allowances", ZERO),
            unit=unit_label(products[pk].unit),
            url=sales_url(date_from=first, date_to=last, product=pk, group_by="day"),
        )
        for pk, sums in top
    ]


def _by_customer_field(first, last, through, field_name: str, limit: int | None) -> list:
    """(key, value, notes) per value of a customer field (its id, its
    salesperson), closed days, live days and the period's credit notes (less)
    added up and ranked in one query: a month has thousands of customers, a
    page shows ten."""
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
    subqueries.append(net_credit_sum(field_name, first, last))
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
    top = _by_customer_field(first, last, _through(through), "customer__salesperson_id", limit)
    people = (
        get_user_model()
        .objects.only("username", "first_name", "last_name")
        .in_bulk([pk for pk, *_sums in top if pk])
    )
    return [
        Ranked(
            key=pk,
            label=person_name(people[pk].first_name, people[pk].last_name, people[pk].username)
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
