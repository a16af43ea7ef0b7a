"""The whole approval chain in a real browser, as the five roles, from order
entry to the gate's PASS (DESIGN.md, "The documents and their life").

Clerk enters an order with one price below the list's minimum; the manager
approves it from the queue; the clerk issues a delivery note for everything;
finance stamps it; the keeper loads the suggested batches; the guard, on a
phone-sized screen, types the exit pass's short code, sees PASS and lets the
truck out. After each step the database and the page agree.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from orders.enums import Coverage, NoteStatus, OrderStatus, PriceSource
from orders.models import DeliveryNote, GateExit, SalesOrder
from tests.e2e.pickers import choose

pytestmark = pytest.mark.django_db(transaction=True)

# (quantity, typed unit price or "" for the resolved list price) per chain product:
# 氧气 list 30.00 / min. 27.00, 液氧 1.50 / 1.35, 氩气 80.00 / 72.00 (tests/chain.py).
LINES = [("10", "25.00"), ("100", ""), ("5", "")]
UNIT_PRICES = ["25.00", "1.50", "80.00"]
AMOUNTS = ["250.00", "150.00", "400.00", "800.00"]  # per line, and the total
PLATE = "浙A88888"


def _url_path(pattern: str) -> re.Pattern:
    return re.compile(rf"^https?://[^/]+{pattern}(\?.*)?$")


def _expect_message(page: Page, text: str) -> None:
    """One of the page's flash messages (a save may show several) says ``text``."""
    expect(page.locator("main .alert").filter(has_text=text)).to_be_visible()


def _assert_gate_keeps_secrets(page: Page, customer_name: str) -> None:
    """The exit-pass copy on screen: vehicle and goods, never customer or price."""
    text = page.locator("body").inner_text()
    html = page.content()
    assert customer_name not in text and customer_name not in html
    for money in UNIT_PRICES + AMOUNTS:
        assert money not in text, f"the gate page shows {money}"
        assert money not in html, f"the gate page's HTML carries {money}"


def test_order_to_gate_pass_as_five_roles(live_server, chain, guard, roles):
    customer = chain.customer

    # 1. Clerk: a new order, three lines added with htmx, one price below the minimum.
    clerk = roles.log_in(chain.clerk)
    clerk.goto("/orders/new/")
    expect(clerk.get_by_role("heading", name="New sales order")).to_be_visible()
    choose(clerk, "id_customer", customer.code, customer.name)
    for i, (product, (quantity, price)) in enumerate(zip(chain.products, LINES, strict=True)):
        row = clerk.locator(f"#lines-{i}-row")
        if i > 0:  # the form opens with one row; the others come from "+ Add line"
            clerk.get_by_role("button", name="+ Add line").click()
            expect(clerk.locator("#id_lines-TOTAL_FORMS")).to_have_value(str(i + 1))
            # htmx wires the row's triggers, then focuses its product (one settle task).
            expect(row.locator(f"#id_lines-{i}-product-ts-control")).to_be_focused()
        choose(clerk, f"id_lines-{i}-product", product.sku, product.sku)
        quote = row.locator(".line-quote")
        item = product.pricelistitem_set.get()
        expect(quote).to_have_attribute("data-min", str(item.minimum_price))
        expect(quote).to_contain_text(f"Min. {item.minimum_price}")
        row.locator(f"#id_lines-{i}-quantity").fill(quantity)
        if price:
            row.locator(f"#id_lines-{i}-unit_price").fill(price)
            expect(row.locator("[data-warning]")).to_have_text(
                "Below the minimum price: a manager must approve."
            )
        else:
            expect(row.locator("[data-warning]")).to_have_text("")
    expect(clerk.locator("[data-line]")).to_have_count(3)
    expect(clerk.locator("#order-total")).to_have_text("800.00")
    roles.snap("clerk order form filled", clerk)
    clerk.get_by_role("button", name="Save and submit").click()

    expect(clerk).to_have_url(_url_path(r"/orders/\d+/"))
    order = SalesOrder.objects.get(customer=customer)
    assert order.status == OrderStatus.SUBMITTED
    lines = list(order.lines.order_by("position"))
    expected = zip(chain.products, LINES, UNIT_PRICES, strict=True)
    assert [(ln.product, ln.quantity, ln.unit_price) for ln in lines] == [
        (p, Decimal(q), Decimal(u)) for p, (q, _), u in expected
    ]
    assert [ln.price_source for ln in lines] == [
        PriceSource.MANUAL,
        PriceSource.LIST,
        PriceSource.LIST,
    ]
    _expect_message(clerk, "waits for a manager's approval")
    expect(clerk.locator("main")).to_contain_text("Waiting for a manager because:")
    expect(clerk.locator("main")).to_contain_text("Price below minimum price (line 1)")
    roles.snap("clerk order submitted", clerk)

    # 2. Manager: the approval queue shows the order and why; approve it there.
    manager = roles.log_in(chain.manager)
    manager.goto("/orders/approvals/")
    card = manager.locator(f"#order-{order.pk}")
    expect(card).to_contain_text(customer.name)
    expect(card).to_contain_text("Price below minimum price")
    expect(card).to_contain_text("(line 1)")
    roles.snap("manager approval queue", manager)
    # Below the minimum: approved only with a written reason.
    card.get_by_label("Comment").fill("老客户, 一次性")
    card.get_by_role("button", name="Approve").click()
    _expect_message(manager, f"Order {order} approved.")
    expect(manager.locator(f"#order-{order.pk}")).to_have_count(0)
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert order.decided_by == chain.manager

    # 3. Clerk: issue one delivery note for everything that is open.
    clerk.goto(f"/orders/{order.pk}/")
    expect(clerk.locator("h1")).to_contain_text("Approved")
    clerk.get_by_role("link", name="Issue delivery note").click()
    expect(clerk.get_by_role("heading", name="Issue a delivery note")).to_be_visible()
    expect(clerk.get_by_label("Warehouse")).to_have_value(str(chain.warehouse.pk))
    for line, (quantity, _) in zip(lines, LINES, strict=True):
        expect(clerk.locator(f"#id_line-{line.pk}-quantity")).to_have_value(quantity)
    clerk.get_by_label("Vehicle plate").fill(PLATE)
    roles.snap("clerk issue form", clerk)
    clerk.get_by_role("button", name="Issue delivery note").click()

    expect(clerk).to_have_url(_url_path(r"/orders/notes/\d+/"))
    note = DeliveryNote.objects.get(order=order)
    assert note.status == NoteStatus.ISSUED
    assert note.vehicle_plate == PLATE
    assert sorted(ln.quantity for ln in note.lines.all()) == sorted(Decimal(q) for q, _ in LINES)
    expect(clerk.get_by_role("heading", level=1)).to_have_text(f"Delivery note {note.number}")
    _expect_message(clerk, f"Delivery note {note.number} issued.")
    expect(clerk.locator(".page-header")).to_contain_text("Issued, waiting for finance")
    roles.snap("clerk note issued", clerk)

    # 4. Finance: the note is in the stamp queue at home; stamp it (within credit).
    finance = roles.log_in(chain.finance)
    finance.get_by_role("link", name=note.number).click()
    expect(finance.get_by_role("heading", level=1)).to_have_text(f"Delivery note {note.number}")
    finance.get_by_role("button", name="Stamp (财务签章)").click()
    _expect_message(finance, f"Note {note.number} stamped: Receivable within credit.")
    expect(finance.locator(".page-header")).to_contain_text("Stamped, waiting for the warehouse")
    note.refresh_from_db()
    assert note.status == NoteStatus.STAMPED
    assert (note.stamped_by, note.coverage) == (chain.finance, Coverage.CREDIT)
    roles.snap("finance note stamped", finance)

    # 5. Keeper: the truck is on today's loading list; load the suggested batches.
    keeper = roles.log_in(chain.keeper)
    truck = keeper.get_by_role("listitem").filter(has_text=note.number)
    expect(truck).to_contain_text(PLATE)
    truck.get_by_role("link", name="Load", exact=True).click()
    expect(keeper.get_by_role("heading", level=1)).to_have_text(f"Load note {note.number}")
    for product, (quantity, _) in zip(chain.products, LINES, strict=True):
        batch = chain.batches[product.pk]
        expect(keeper.get_by_label(batch.number, exact=True)).to_have_value(quantity)
    for total in keeper.locator("[data-line-total]").all():
        expect(total).to_have_class(re.compile(r"\btext-success\b"))
    roles.snap("keeper dispatch form", keeper)
    keeper.get_by_role("button", name="Record loading").click()
    expect(keeper).to_have_url(_url_path(rf"/orders/notes/{note.pk}/"))
    _expect_message(
        keeper, f"Loaded: note {note.number} is dispatched and the truck may go to the gate."
    )
    expect(keeper.locator(".page-header")).to_contain_text("Loaded, waiting at the gate")
    note.refresh_from_db()
    assert note.status == NoteStatus.DISPATCHED
    assert note.dispatched_by == chain.keeper
    loaded = {
        (ln.product_id, a.batch_id, a.quantity)
        for ln in note.lines.all()
        for a in ln.allocations.all()
    }
    expected = zip(chain.products, LINES, strict=True)
    assert loaded == {(p.pk, chain.batches[p.pk].pk, Decimal(q)) for p, (q, _) in expected}
    roles.snap("keeper loaded", keeper)

    # 6. Guard on a phone: type the printed short code, PASS, keep the plate, let out.
    gate = roles.log_in(
        guard, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    gate.goto("/orders/gate/")
    expect(gate.locator("#gate-lists")).to_contain_text(note.number)
    _assert_gate_keeps_secrets(gate, customer.name)
    short_code = f"{note.pass_code[:4]}-{note.pass_code[4:]}"  # as printed under the QR code
    code = gate.get_by_label("Pass code")
    code.tap()
    code.fill(short_code)
    gate.get_by_role("button", name="Check").click()

    verdict = gate.locator("#gate-result [data-verdict]")
    expect(verdict).to_have_attribute("data-verdict", "pass")
    expect(verdict.locator(".gate-verdict")).to_contain_text("PASS")
    expect(verdict.locator(".gate-verdict")).to_be_in_viewport()
    size = verdict.locator(".gate-verdict").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size >= 40, f"PASS is set in {size}px type"
    width = gate.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the gate page is {width}px wide on a 390px phone"
    expect(verdict).to_contain_text(note.number)
    for product in chain.products:
        expect(verdict).to_contain_text(product.name)
    expect(gate.get_by_label("Vehicle plate")).to_have_value(PLATE)
    _assert_gate_keeps_secrets(gate, customer.name)
    roles.snap("guard pass", gate)
    note.refresh_from_db()
    assert note.status == NoteStatus.DISPATCHED  # a check lets nobody out yet

    gate.get_by_role("button", name=re.compile(r"^Let out")).click()
    expect(verdict).to_have_attribute("data-verdict", "out")
    expect(verdict.locator(".gate-verdict")).to_contain_text("OUT")
    expect(verdict.locator(".gate-plate")).to_have_text(PLATE)
    expect(gate.locator("#gate-lists")).to_contain_text("No loaded truck is waiting.")
    _assert_gate_keeps_secrets(gate, customer.name)
    roles.snap("guard out", gate)

    note.refresh_from_db()
    order.refresh_from_db()
    assert note.status == NoteStatus.EXITED
    gate_exit = GateExit.objects.get(note=note)
    assert (gate_exit.vehicle_plate, gate_exit.guard) == (PLATE, guard)
    assert order.status == OrderStatus.COMPLETED
