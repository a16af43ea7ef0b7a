"""An order of three lines entered with the keyboard alone through the searchable
pickers (Tom Select): part of the customer's Chinese name, then part of each
product's name, Enter to choose and move on, Ctrl+Enter to save."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from orders.enums import OrderStatus
from orders.models import SalesOrder
from tests.e2e.pickers import choose

pytestmark = pytest.mark.django_db(transaction=True)

# What the clerk types to find each chain product (tests/chain.py), and the quantity.
# Part of a Chinese name, the pinyin initials of one (液氧: yy), a single character.
TYPED_LINES = [("氧气", "10"), ("yy", "100"), ("氩", "5")]


def test_an_order_of_three_lines_by_keyboard_and_pickers(live_server, chain, roles):
    clerk = roles.log_in(chain.clerk)
    clerk.goto("/orders/new/")
    customer = chain.customer

    # The customer picker has the focus: part of the Chinese name finds the customer.
    choose(clerk, "id_customer", "保密", customer.name, focus=False)
    expect(clerk.locator("#id_customer")).to_have_value(str(customer.pk))
    # Enter moved on to the pickup mode; Tab leaves the radio group, Enter goes on
    # from the remarks to the first line's product.
    expect(clerk.locator("#id_pickup_mode_0")).to_be_focused()
    clerk.keyboard.press("Tab")
    expect(clerk.locator("#id_remarks")).to_be_focused()
    clerk.keyboard.press("Enter")

    for i, ((typed, quantity), product) in enumerate(zip(TYPED_LINES, chain.products, strict=True)):
        choose(clerk, f"id_lines-{i}-product", typed, product.sku, focus=False)
        expect(clerk.locator(f"#id_lines-{i}-product")).to_have_value(str(product.pk))
        expect(clerk.locator(f"#id_lines-{i}-quantity")).to_be_focused()
        expect(clerk.locator(f"#lines-{i}-row [data-unit-label]")).not_to_be_empty()
        clerk.keyboard.type(quantity)
        clerk.keyboard.press("Enter")
        expect(clerk.locator(f"#id_lines-{i}-unit_price")).to_be_focused()
        expect(clerk.locator(f"#lines-{i}-row .line-quote")).to_have_attribute(
            "data-price", re.compile(r"\d")
        )
        if i < len(TYPED_LINES) - 1:
            clerk.keyboard.press("Enter")  # Enter in the last price adds a line
    expect(clerk.locator("[data-line]")).to_have_count(3)
    expect(clerk.locator("#order-total")).to_have_text("850.00")
    roles.snap("order by keyboard", clerk)
    clerk.keyboard.press("Control+Enter")

    expect(clerk).to_have_url(re.compile(r"/orders/\d+/$"))
    order = SalesOrder.objects.get(customer=customer)
    assert order.status == OrderStatus.DRAFT
    lines = list(order.lines.order_by("position"))
    assert [(ln.product, ln.quantity) for ln in lines] == [
        (p, Decimal(q)) for p, (_, q) in zip(chain.products, TYPED_LINES, strict=True)
    ]
