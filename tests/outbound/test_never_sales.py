"""Samples and non-sale outbound leave stock and pass the gate, count in the
three-way reconciliation and the selling expense report, and never count as
sales, receivables, commission or target progress."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from finance.aging import aging_report
from finance.credit import credit_position
from finance.invoicing import uninvoiced_notes
from finance.models import ReceivableEntry
from outbound.selectors import outbound_expenses
from reports.rollup import sales_rollup
from reports.selectors.definitions import sold_lines, sold_notes
from reports.selectors.reconciliation_report import reconciliation
from reports.selectors.sales_analysis import SalesQuery, sales_rows, sales_totals
from reports.selectors.sales_figures import daily_figures
from sales.selectors.commission import live_statements
from sales.selectors.progress import target_progress
from salesadmin.clock import company_today

pytestmark = pytest.mark.django_db


def _figures(customer):
    today = company_today()
    month = today.replace(day=1)
    return repr(
        [
            list(sold_notes(today, today).values_list("pk", flat=True)),
            list(sold_lines(today, today).values_list("pk", flat=True)),
            sales_totals(SalesQuery(date_from=today, date_to=today)),
            sales_rows(SalesQuery(date_from=today, date_to=today, group_by="product")),
            daily_figures(today, today),
            target_progress(month, today),
            live_statements(month),
            aging_report(),
            credit_position(customer=customer),
            sorted(uninvoiced_notes().values_list("pk", flat=True)),
            ReceivableEntry.objects.count(),
        ]
    )


def test_samples_and_advertising_leave_like_notes_but_are_never_sales(world):
    # Given a sale that left today
    sale = world.chain.dispatched()
    before = _figures(world.chain.customer)
    # When a sample (for the same customer) and an advertising outbound go through the gate
    _, sample_note = world.sample_slip(world.approved_sample())
    sample_note = world.exited(sample_note)
    _, ad_note = world.request_slip()
    ad_note = world.exited(ad_note)
    # Then sales, receivables, aging, credit, commission and targets are unchanged
    assert _figures(world.chain.customer) == before
    assert not ReceivableEntry.objects.filter(delivery_note__in=[sample_note, ad_note]).exists()
    # and the three-way reconciliation counts their goods, balanced
    today = company_today()
    rec = reconciliation(today.replace(day=1))
    by_product = {row.product_id: row for row in rec.products}
    first = world.products[0]
    sale_qty = sale.lines.get(product=first).actual_quantity
    row = by_product[first.pk]
    assert row.noted == sale_qty + Decimal("3") + Decimal("2")
    assert row.noted == row.moved
    assert not rec.mismatches
    # and the expense report has them at cost, by department and purpose
    rows = outbound_expenses(date_from=today, date_to=today)
    assert [(r.department, r.purpose, r.documents, r.cost) for r in rows] == [
        ("市场部", "sample", 1, Decimal("126.00")),
        ("市场部", "advertising", 1, Decimal("69.00")),
    ]


def test_the_nightly_rollup_leaves_them_out(world):
    world.chain.dispatched()
    world.exited(world.sample_slip()[1])
    today = company_today()
    figures_today = daily_figures(today, today)
    sales_rollup(today=today + dt.timedelta(days=1))
    assert daily_figures(today, today) == figures_today


def test_a_slip_not_dispatched_is_no_expense(world):
    world.sample_slip()
    today = company_today()
    assert outbound_expenses(date_from=today, date_to=today) == []
