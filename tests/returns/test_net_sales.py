"""Sales in the reports are net of returns and allowances, on the day they take
effect (the credit note's date); the day tables and the live figures agree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from reports.rollup import sales_rollup
from reports.selectors.dashboard_report import dashboard
from reports.selectors.sales_figures import daily_figures, period_totals
from salesadmin.clock import company_today

pytestmark = pytest.mark.django_db


def test_dashboard_and_totals_are_net_of_returns_and_allowances(world):
    head = world.approver("department_head", "head")
    note = world.note()  # 850.00 loaded today
    world.received(
        world.approved(world.inspected(world.submitted(world.filed(note, quantities=["2"]))))
    )  # 60.00 back
    from returns.services.allowances import allowance_approve

    allowance_approve(allowance=world.allowance(note, amount="100.00"), user=head)
    today = company_today()

    board = dashboard(today=today)
    assert board.sales_today.gross == Decimal("850.00")
    assert board.sales_today.returns == Decimal("60.00")
    assert board.sales_today.allowances == Decimal("100.00")
    assert board.sales_today.sales == Decimal("690.00")
    assert board.month["sales"] == Decimal("690.00")
    assert board.month["credits"] == Decimal("160.00")
    totals = period_totals(today, today)
    assert (totals["sales"], totals["returns"], totals["allowances"]) == (
        Decimal("690.00"),
        Decimal("60.00"),
        Decimal("100.00"),
    )

    # Once the day is closed and rolled up, the day tables give the same net figures.
    live = daily_figures(today, today, through=None)
    sales_rollup(today=today + dt.timedelta(days=1))
    rolled = daily_figures(today, today, through=today)
    assert [(d.sales, d.returns, d.allowances, d.notes) for d in rolled] == [
        (d.sales, d.returns, d.allowances, d.notes) for d in live
    ]
    assert period_totals(today, today, through=today)["sales"] == Decimal("690.00")


def test_the_dashboard_page_shows_the_periods_returns_and_allowances(world, client_for):
    note = world.note()
    world.received(
        world.approved(world.inspected(world.submitted(world.filed(note, quantities=["2"]))))
    )
    page = client_for(world.manager).get("/reports/").content.decode()
    assert 'id="period-credits"' in page
    assert "790.00" in page  # 850 sold less 60 returned
