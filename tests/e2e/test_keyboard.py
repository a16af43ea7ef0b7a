"""The chain's forms by keyboard alone: order entry, payment, dispatch, the gate.

Each test tabs through a form and checks the order the focus takes (by id, or
the element's label or text) and that every element shows a focus ring that it
does not have at rest. The skip link is the first stop and lands in <main>. The
gate's verdict is announced (an assertive, atomic live region) with its reason.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from notices.selectors import unread_count
from orders.services.exit_pass import STOP_REASONS
from tests.e2e.focus import Focus, focused, remember_rings, tab_through
from tests.e2e.sessions import logged_in_client, open_context
from tests.e2e.site_world import build_site_world

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def world(chain, guard):
    return build_site_world(chain, guard)


@pytest.fixture
def page_as(browser, live_server):
    """``page_as(user, url)``: a page of ``url`` as ``user`` in English, rings recorded."""
    contexts = []

    def open_page(user, url: str, viewport=DESKTOP) -> Page:
        context = open_context(
            browser, live_server.url, "en", logged_in_client(user), viewport=viewport
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        remember_rings(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


def names(stops: list[Focus]) -> list[str]:
    return [f.name for f in stops]


def assert_rings_seen(stops: list[Focus]) -> None:
    problems = [p for p in (f.problem() for f in stops) if p]
    assert not problems, "focus not visible:\n" + "\n".join(problems)


def skip_to_main(page: Page) -> None:
    """The first Tab reaches the skip link, shown on screen; Enter moves into <main>."""
    first = tab_through(page, 1)
    assert names(first) == ["Skip to main content"]
    assert_rings_seen(first)
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_order_entry_by_keyboard(world, page_as):
    page = page_as(world.chain.clerk, "/orders/new/")
    # At 1366 px the line's labels are hidden from sight, not from assistive technology.
    expect(page.locator("#id_lines-0-product-ts-control")).to_have_accessible_name("Product")
    expect(page.locator("#id_lines-0-quantity")).to_have_accessible_name("Quantity")
    expect(page.locator("#id_lines-0-unit_price")).to_have_accessible_name("Unit price")

    # The customer has the focus on arrival; back from it: the breadcrumb, the
    # navigation bar ring by ring, and the skip link, the page's first stop.
    expect(page.locator("#id_customer-ts-control")).to_be_focused()
    # The picker has its first matches open with one highlighted: Shift+Tab goes
    # back without choosing it (Tab would accept it).
    expect(page.locator("#id_customer-ts-dropdown .option.active")).to_be_visible()
    back = tab_through(page, 13, key="Shift+Tab")
    expect(page.locator("#id_customer")).to_have_value("")
    assert names(back) == [
        "Sales orders",
        world.chain.clerk.username,  # the user menu
        "简体中文",
        f"Notices {unread_count(user=world.chain.clerk)} unread",
        "Help",
        # The grouped menu: one stop per group (Enter opens it, the arrows walk it)
        "Master data",
        "Stock",
        "Credit notes",
        "Delivery",
        "Sales",
        "Home",
        "salesadmin",
        "Skip to main content",
    ]
    assert_rings_seen(back)
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    form = tab_through(page, 12)
    assert names(form) == [
        "Sales orders",
        "id_customer-ts-control",
        "id_pickup_mode_0",
        "id_remarks",
        "id_lines-0-product-ts-control",
        "id_lines-0-quantity",
        "id_lines-0-unit_price",
        "Remove this line",
        "add-line",
        "Save draft",
        "Save and submit",
        "Cancel",
    ]
    assert_rings_seen(form)

    # Enter in the last line's price adds a line and puts the focus on its product.
    page.locator("#id_lines-0-unit_price").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#id_lines-1-product-ts-control")).to_be_focused()
    new_line = focused(page)
    assert new_line.seen, f"the new line's product shows no focus ring ({new_line.ring})"
    expect(page.locator("#id_lines-1-product-ts-control")).to_have_accessible_name("Product")


def test_payment_by_keyboard(world, page_as):
    page = page_as(world.chain.finance, f"/finance/payments/new/?customer={world.customer.pk}")
    skip_to_main(page)
    form = tab_through(page, 11)
    assert names(form) == [
        "Payments",
        "id_customer-ts-control",
        "id_amount",
        "id_method",
        "id_reference",
        "id_entry_date",
        "id_payer",
        "id_note",
        "id_allocation_0",
        f"Amount for {world.invoice.number}",
        "Record payment",
    ]
    assert_rings_seen(form)


def test_dispatch_by_keyboard(world, page_as):
    note = world.notes["stamped"]
    page = page_as(world.chain.keeper, f"/orders/notes/{note.pk}/dispatch/")
    skip_to_main(page)
    form = tab_through(page, 6)
    batches = [world.chain.batches[p.pk] for p in world.chain.products]
    assert names(form)[:2] == ["Delivery notes", note.number]
    for stop, batch in zip(form[2:5], batches, strict=True):
        expect(page.get_by_label(batch.number, exact=True)).to_have_count(1)
        assert stop.name == page.get_by_label(batch.number, exact=True).get_attribute("id")
    assert form[5].name == "Record loading"
    assert_rings_seen(form)


def test_gate_by_keyboard_announces_the_verdict(world, page_as):
    page = page_as(world.guard, "/orders/gate/", viewport={"width": 390, "height": 844})
    result = page.locator("#gate-result")
    expect(result).to_have_attribute("aria-live", "assertive")
    expect(result).to_have_attribute("aria-atomic", "true")
    # A scanner station: the code field has the focus from the start.
    expect(page.locator("#gate-code")).to_be_focused()

    dispatched = world.notes["dispatched"]
    page.keyboard.type(dispatched.pass_code)
    stops = tab_through(page, 1)
    assert names(stops) == ["Check"]
    page.keyboard.press("Enter")
    expect(result.locator("[data-verdict]")).to_have_attribute("data-verdict", "pass")
    expect(result).to_contain_text("PASS")
    expect(result).to_contain_text(dispatched.number)
    # Ready for the next scan; the way back leads to the plate and "Let out".
    expect(page.locator("#gate-code")).to_be_focused()
    remember_rings(page)  # the panel is new
    back = tab_through(page, 3, key="Shift+Tab")
    assert names(back) == ["gate-camera", "Let out / 放行", "gate-plate"]
    assert_rings_seen([*stops, *back])

    page.locator("#gate-code").focus()
    page.keyboard.type(world.notes["exited"].pass_code)
    page.keyboard.press("Enter")
    expect(result.locator("[data-verdict]")).to_have_attribute("data-verdict", "stop")
    expect(result).to_contain_text("STOP")
    expect(result).to_contain_text(str(STOP_REASONS["used"]))
    # Still the same live region: replaced content is announced, attributes kept.
    expect(result).to_have_attribute("aria-live", "assertive")
    expect(result).to_have_attribute("aria-atomic", "true")
