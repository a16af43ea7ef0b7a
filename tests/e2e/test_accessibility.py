"""Every page of every role, audited with axe-core (WCAG 2.1 A and AA rules) in
Chromium, in English and Chinese; the gate and the other pages of the people who
work on a phone (guard, keeper, and the login page) also at 390 px. Any critical
or serious violation fails the test, which names the page, role, language,
width, rule and the elements.

The pages come from the URL patterns (tests/e2e/site_pages.py): a new page is
audited without being added here. Pages that change in place are audited in
each state too: the order form with a second line and a price quote, the
payment form with the open invoices, the gate with a PASS and a STOP.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from tests.e2e.axe import audit, inject_on_load
from tests.e2e.pickers import choose
from tests.e2e.sessions import logged_in_client, open_context
from tests.e2e.site_pages import site_pages
from tests.e2e.site_world import SiteWorld, build_site_world

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ("en", "zh-hans")
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
PHONE_ROLES = ("anonymous", "guard", "keeper")  # the login page, the gate, the loading yard
MAX_TARGETS = 6  # elements named per violation in the failure message


def personas(chain, guard) -> dict:
    return {
        "clerk": chain.clerk,
        "finance": chain.finance,
        "keeper": chain.keeper,
        "guard": guard,
        "manager": chain.manager,
    }


def role_clients(users: dict) -> dict[str, Client]:
    return {"anonymous": Client()} | {role: logged_in_client(u) for role, u in users.items()}


# --- Pages that change in place: each state after the first is audited too -----------


def _order_form_states(page: Page, world: SiteWorld) -> Iterator[str]:
    product = world.chain.products[0]
    choose(page, "id_customer", world.customer.code, world.customer.name)
    choose(page, "id_lines-0-product", product.sku, product.sku)
    expect(page.locator("#lines-0-row .line-quote")).to_have_attribute("data-price", "30.00")
    page.locator("#id_lines-0-unit_price").fill("1")  # below the minimum: the warning shows
    page.locator("#add-line").press("Enter")
    expect(page.locator("#id_lines-1-product-ts-control")).to_be_focused()
    yield "two lines, one priced below the minimum"


def _gate_states(page: Page, world: SiteWorld) -> Iterator[str]:
    verdict = page.locator("#gate-result [data-verdict]")
    for note, expected in ((world.notes["dispatched"], "pass"), (world.notes["exited"], "stop")):
        page.locator("#gate-code").fill(note.pass_code)
        page.locator("#gate-form button[type=submit]").click()
        expect(verdict).to_have_attribute("data-verdict", expected)
        yield f"{expected.upper()} shown"


STATES: dict[str, Callable[[Page, SiteWorld], Iterator[str]]] = {
    "orders:order_create": _order_form_states,
    "orders:gate": _gate_states,
}


def test_every_page_has_no_serious_accessibility_violation(live_server, chain, guard, browser):
    started = time.monotonic()
    timer: Counter[str] = Counter()
    world = build_site_world(chain, guard)
    users = personas(chain, guard)
    clients = role_clients(users)
    t0 = time.monotonic()
    walk = site_pages(clients, world.variants())
    timer["walk"] = time.monotonic() - t0
    assert not walk.errors, "pages the walker could not open:\n" + "\n".join(walk.errors)
    names = {p.name for p in walk.pages}
    # The walk finds the pages of every app, the login page and the gate among them.
    assert {"login", "home", "orders:gate", "orders:order_create", "orders:note_detail"} <= names
    assert {"customers:detail", "finance:payment_create", "reports:dashboard"} <= names
    # A page some role may not open: its 403 page is audited once per language.
    forbidden = next(
        (p, role) for p in walk.pages for role in users if p.answers[role] == "forbidden"
    )

    failures: list[str] = []
    by_rule: Counter[str] = Counter()
    audits = 0

    def check(page: Page, where: str) -> None:
        nonlocal audits
        audits += 1
        t0 = time.monotonic()
        found = audit(page)
        timer["axe"] += time.monotonic() - t0
        for v in found:
            by_rule[v.rule] += len(v.targets)
            shown = ", ".join(v.targets[:MAX_TARGETS])
            hidden = len(v.targets) - MAX_TARGETS
            more = f" (+{hidden} more)" if hidden > 0 else ""
            failures.append(f"{where}: {v.rule} ({v.impact}, {v.help}): {shown}{more}")

    for lang in LANGUAGES:
        for role, client in clients.items():
            pages = [p for p in walk.pages if role in p.roles]
            if not pages:
                continue
            context = open_context(browser, live_server.url, lang, client)
            inject_on_load(context)
            page = context.new_page()
            widths = ["desktop", "phone"] if role in PHONE_ROLES else ["desktop"]
            for width in widths:
                page.set_viewport_size(VIEWPORTS[width])
                for p in pages:
                    where = f"{p.url} ({p.label}) as {role}, {lang}, {width}"
                    t0 = time.monotonic()
                    response = page.goto(p.url)
                    timer["goto"] += time.monotonic() - t0
                    assert response is not None and response.status == 200, f"{where}: {response}"
                    expect(page.locator("html")).to_have_attribute("lang", lang)
                    check(page, where)
                    for state in STATES.get(p.name, lambda *_: iter(()))(page, world):
                        check(page, f"{where}, {state}")
                if width == "desktop" and role == forbidden[1]:
                    for url, status in ((forbidden[0].url, 403), ("/no-such-page/", 404)):
                        response = page.goto(url)
                        assert response is not None and response.status == status
                        where = f"{url} (the {status} page) as {role}, {lang}, desktop"
                        check(page, where)
            context.close()

    seconds = time.monotonic() - started
    summary = (
        f"axe: {audits} audits of {len(walk.pages)} pages in {seconds:.0f} s "
        f"(walk {timer['walk']:.0f} s, pages {timer['goto']:.0f} s, axe {timer['axe']:.0f} s); "
        f"not pages: {len(walk.not_pages)}; critical/serious elements by rule: "
        f"{dict(by_rule.most_common()) or 'none'}"
    )
    print(summary)
    assert not failures, summary + "\n" + "\n".join(failures)
