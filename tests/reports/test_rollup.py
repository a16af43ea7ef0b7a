"""The day tables: closed days rolled up once; the dashboard's figures are the
same whether a day is read from them or from the notes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from orders.models import DeliveryNote
from reports.enums import Period
from reports.models import DayProductSales, DaySales
from reports.rollup import rolled_up_through, sales_rollup
from reports.selectors import definitions, sales_figures
from tests.reports.conftest import product_sales, sales_by, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(world):
    """Two of the loads moved to earlier days (3 and 40 days ago)."""
    now = timezone.now()
    DeliveryNote.objects.filter(pk=world.notes["exited"].pk).update(
        dispatched_at=now - dt.timedelta(days=3)
    )
    DeliveryNote.objects.filter(pk=world.notes["other"].pk).update(
        dispatched_at=now - dt.timedelta(days=40)
    )
    return world


def _figures(period: str, through) -> tuple:
    first, last = definitions.period_dates(period, today())
    return (
        sales_figures.period_totals(first, last, through=through),
        [
            (r.key, r.value, r.quantity)
            for r in sales_figures.top_products(first, last, through=through)
        ],
        [
            (r.key, r.value, r.notes)
            for r in sales_figures.top_customers(first, last, through=through)
        ],
        [
            (r.key, r.value, r.notes)
            for r in sales_figures.top_salespeople(first, last, through=through)
        ],
        [
            (d.day, d.sales, d.notes)
            for d in sales_figures.daily_figures(first, last, through=through)
        ],
    )


def test_closed_days_are_rolled_up_once(spread):
    days = sales_rollup()
    again = sales_rollup()

    yesterday = today() - dt.timedelta(days=1)
    assert rolled_up_through() == yesterday
    assert days >= 40 and again == 0
    first = yesterday - dt.timedelta(days=60)
    expected = sales_by(
        first, yesterday, lambda n: (timezone.localtime(n.dispatched_at).date(), n.customer_id)
    )
    assert {(r.day, r.customer_id): r.value for r in DaySales.objects.all()} == expected
    products = {}
    for day in {d for d, _c in expected}:
        for pk, (value, qty) in product_sales(day, day).items():
            products[(day, pk)] = (value, qty)
    assert {
        (r.day, r.product_id): (r.value, r.quantity) for r in DayProductSales.objects.all()
    } == products
    # Today's sales are not in the day tables.
    assert not DaySales.objects.filter(day=today()).exists()


@pytest.mark.parametrize("period", [Period.TODAY, Period.WEEK, Period.DAYS_30, Period.YEAR])
def test_figures_are_the_same_from_the_day_tables_and_from_the_notes(spread, period):
    live = _figures(period, None)
    call_command("rollup_daily_sales")

    mixed = _figures(period, rolled_up_through())

    assert mixed == live
    first, last = definitions.period_dates(period, today())
    assert mixed[0]["sales"] == sum(sales_by(first, last, lambda n: 1).values(), 0)


def test_a_rollup_that_missed_days_leaves_them_to_the_notes(spread):
    # Given a rollup that stopped five days ago
    sales_rollup(today=today() - dt.timedelta(days=5))
    through = rolled_up_through()
    first, last = definitions.period_dates(Period.DAYS_30, today())

    assert sales_figures.split(first, last, through).live[0] == through + dt.timedelta(days=1)
    assert _figures(Period.DAYS_30, through) == _figures(Period.DAYS_30, None)
