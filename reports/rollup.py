"""The day tables behind the dashboard: closed days' sales per customer and
per product, written once. A day is closed when it is over (company time
zone): notes are dispatched only on their issue day, so a closed day's sales
never change and the dashboard can read them from a few thousand summary rows
instead of hundreds of thousands of notes. Today, and any day the rollup has
not reached yet, is read from the notes themselves (reports/py)."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import Count, Min, Sum

from orders.models import DeliveryNote
from reports.models import DayProductSales, DaySales, SalesRollup
from reports.selectors.definitions import (
    LINE_QUANTITY,
    LINE_VALUE,
    NOTE_VALUE,
    SOLD,
    dispatch_day,
    local_date,
    sold_lines,
    sold_notes,
)
from salesadmin.clock import company_today


def rolled_up_through() -> dt.date | None:
    return SalesRollup.objects.filter(pk=1).values_list("through", flat=True).first()


def _insert_select(model, columns: list[str], queryset) -> int:
    """INSERT INTO the day table SELECT the aggregate: no rows through Python."""
    sql, params = queryset.query.sql_with_params()
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) {sql}", params)
        return cursor.rowcount


def sales_rollup(*, today: dt.date | None = None) -> int:
    """Add every closed day not yet in the day tables (up to yesterday).
    Idempotent and safe to run concurrently (the watermark row is locked).
    Returns the number of days added."""
    today = today or company_today()
    last = today - dt.timedelta(days=1)
    with transaction.atomic():
        SalesRollup.objects.get_or_create(pk=1)
        rollup = SalesRollup.objects.select_for_update().get(pk=1)
        if rollup.through is not None:
            first = rollup.through + dt.timedelta(days=1)
        else:
            earliest = (
                DeliveryNote.objects.sales()
                .filter(status__in=SOLD)
                .aggregate(m=Min("dispatched_at"))["m"]
            )
            first = last + dt.timedelta(days=1) if earliest is None else local_date(earliest)
        if first <= last:
            notes = (
                sold_notes(first, last)
                .annotate(day=dispatch_day("dispatched_at"))
                .values("day", "customer_id")
                .annotate(value=Sum(NOTE_VALUE), n=Count("id"))
                .values_list("day", "customer_id", "value", "n")
                .order_by()
            )
            _insert_select(DaySales, ["day", "customer_id", "value", "notes"], notes)
            lines = (
                sold_lines(first, last)
                .annotate(day=dispatch_day("note__dispatched_at"))
                .values("day", "product_id")
                .annotate(value=Sum(LINE_VALUE), quantity=Sum(LINE_QUANTITY))
                .values_list("day", "product_id", "value", "quantity")
                .order_by()
            )
            _insert_select(DayProductSales, ["day", "product_id", "value", "quantity"], lines)
        added = max((last - first).days + 1, 0)
        if rollup.through is None or last > rollup.through:
            rollup.through = last
            rollup.save(update_fields=["through"])
        return added
