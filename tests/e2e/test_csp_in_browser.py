"""The Content-Security-Policy holds in a real browser: every page a manager
(and the guard, and an anonymous visitor) opens runs without one violation
reported in the console (no inline script, no inline handler, no eval), the
dashboard's charts draw, and the gate's camera scanner starts under it."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD, STEP_TIMEOUT_MS
from tests.views.test_page_access import PAGES, documents  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

# Pages that are not HTML documents (files, partials for htmx) are left out.
NOT_A_PAGE = re.compile(
    r"^/api/|/pdf/|/letter/|/export/|[?&]export=|format=(csv|xlsx)|/new/line/|/new/price/|/gate/(check|exit)/"
)
VIOLATION = re.compile(r"Content Security Policy|Refused to (execute|load|apply|evaluate)")


def _watch(page, found: list[str]) -> None:
    def on_console(message):
        if VIOLATION.search(message.text):
            found.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: found.append(f"{page.url}: {error}"))


def test_every_page_runs_under_the_policy(roles, chain, manager, guard, documents):  # noqa: F811
    found: list[str] = []

    anonymous = roles.browser.new_context(base_url=roles.base_url).new_page()
    _watch(anonymous, found)
    response = anonymous.goto("/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src-attr")[0]
    )

    page = roles.log_in(manager)
    _watch(page, found)
    urls = [url.format(**documents) for url, who in PAGES.items() if "manager" in who]
    urls = [url for url in urls if not NOT_A_PAGE.search(url)]
    urls += ["/security/lockouts/", "/security/two-factor/", "/api/docs/"]
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("load")
    # the dashboard's charts drew (Chart.js sized its canvases)
    page.goto("/reports/")
    expect(page.locator("canvas").first).to_be_visible()
    # the language switcher (a button for the other language) works under the policy
    page.goto("/customers/")
    page.click("button[name=language][value=zh-hans]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    # Swagger UI rendered its operations
    page.goto("/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible()

    gate = roles.log_in(guard)
    _watch(gate, found)
    gate.goto("/orders/gate/")
    assert not found, "\n".join(found)


def test_gate_camera_starts_under_the_policy(browser, live_server, guard):
    """A fake camera (Chromium's own test device) behind the real policy."""
    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
        ],
        headless=True,
    )
    try:
        context = chromium.new_context(base_url=live_server.url, permissions=["camera"])
        context.set_default_timeout(STEP_TIMEOUT_MS)
        page = context.new_page()
        found: list[str] = []
        _watch(page, found)
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(guard.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in", exact=True).click()
        page.goto("/orders/gate/")
        page.locator("#gate-camera").click()
        expect(page.locator("#gate-video-wrap")).to_be_visible()
        # Polled from here: wait_for_function builds its predicate with eval,
        # which the policy (rightly) refuses once the first check is false.
        deadline = time.monotonic() + STEP_TIMEOUT_MS / 1000
        ready = "document.getElementById('gate-video').readyState"
        while page.evaluate(ready) < 2 and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert page.evaluate(ready) >= 2, "the camera's video never started"
        assert not found, "\n".join(found)
    finally:
        chromium.close()
