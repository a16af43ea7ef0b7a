"""Quotation conversion by salesperson, counted again by hand, on the monthly
meeting page and its PDF."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sales.selectors.quotation_report import conversion_by_salesperson
from sales.services.quotations import (
    QuotationLineInput,
    quotation_accept,
    quotation_create,
    quotation_decline,
    quotation_send,
)
from salesadmin.clock import company_today

pytestmark = pytest.mark.django_db


def _quotation(chain, user):
    today = company_today()
    return quotation_create(
        user=user,
        customer=chain.customer,
        lines=[QuotationLineInput(product=chain.products[0], quantity=Decimal("2"))],
        valid_until=today + dt.timedelta(days=5),
        delivery_date=today + dt.timedelta(days=5),
    )


def test_conversion_is_accepted_over_decided_per_salesperson(chain, clerk, manager, client_for):
    # Given the clerk's four quotations: two accepted, one declined, one still a draft
    for _ in range(2):
        quotation_accept(
            quotation=quotation_send(quotation=_quotation(chain, clerk), user=clerk), user=clerk
        )
    quotation_decline(
        quotation=quotation_send(quotation=_quotation(chain, clerk), user=clerk), user=clerk
    )
    _quotation(chain, clerk)
    # and the manager's one, declined
    quotation_decline(
        quotation=quotation_send(quotation=_quotation(chain, manager), user=manager), user=manager
    )
    today = company_today()

    rows = {r.salesperson_id: r for r in conversion_by_salesperson(today.replace(day=1), today)}

    mine = rows[clerk.pk]
    assert (mine.quotations, mine.open, mine.accepted, mine.declined, mine.lapsed) == (
        4,
        1,
        2,
        1,
        0,
    )
    assert mine.rate == Decimal("66.7")  # 2 of 3 decided
    assert mine.accepted_value == 2 * Decimal("60.00")
    assert rows[manager.pk].rate == Decimal("0.0")
    html = client_for(manager).get("/sales/meeting/").content.decode()
    assert "Quotation conversion" in html and "66.7" in html
