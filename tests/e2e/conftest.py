"""Browser tests: headless Chromium (Debian's, never a downloaded one) driven by
Playwright's sync API against pytest-django's live server.

Each role gets its own browser context (its own cookies) and logs in through the
real login page. When a test fails, the screenshots taken after each step and one
of every page still open are written to a fresh temporary directory (never into
the checkout); its path is printed with the failure.
"""

from __future__ import annotations

import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "pw-for-tests"  # tests/factories.UserFactory
STEP_TIMEOUT_MS = 15_000  # every wait of a step: navigation, locator, expect


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so a fixture can tell a failure."""
    report = yield
    setattr(item, f"e2e_report_{report.when}", report)
    return report


@pytest.fixture
def allow_orm_beside_playwright(monkeypatch):
    """Playwright's sync API runs an asyncio loop in this thread, and Django then
    refuses ORM calls ("You cannot call this from an async context"). The test only
    reads rows between browser steps (the live server's threads do the writing, in
    their own transactions), so the check is lifted, for these tests only."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser(allow_orm_beside_playwright):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (scripts/system-deps.sh test)"
        )
    expect.set_options(timeout=STEP_TIMEOUT_MS)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=30_000
        )
    except BaseException:
        playwright.stop()
        raise
    try:
        yield chromium
    finally:
        # While Playwright's loop runs in this thread, Django keeps its connections
        # in a per-context store (asgiref's Local), apart from the fixtures' own:
        # close those now, or the test database cannot be dropped at the end.
        connections.close_all()
        chromium.close()
        playwright.stop()


@dataclass
class Roles:
    """Logs people in, each in their own context, and keeps screenshots per step."""

    browser: Browser
    base_url: str
    shots: list[tuple[str, bytes]] = field(default_factory=list)
    pages: dict[str, Page] = field(default_factory=dict)

    def log_in(self, user, **context_options) -> Page:
        context = self.browser.new_context(
            base_url=self.base_url, locale="en-US", timezone_id="Asia/Shanghai", **context_options
        )
        context.set_default_timeout(STEP_TIMEOUT_MS)
        context.set_default_navigation_timeout(STEP_TIMEOUT_MS)
        page = context.new_page()
        self.pages[user.username] = page
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in", exact=True).click()
        expect(page).to_have_url(re.compile(r"^[^?]*/$"))  # home, not back on the login page
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Good day, {user.username}")
        return page

    def snap(self, step: str, page: Page) -> None:
        """A screenshot of the page as a step left it; written out only on failure."""
        self.shots.append((step, page.screenshot(full_page=True)))

    def write_out(self) -> Path:
        folder = Path(tempfile.mkdtemp(prefix="salesadmin-e2e-"))
        for n, (step, png) in enumerate(self.shots, start=1):
            (folder / f"{n:02d}-{_slug(step)}.png").write_bytes(png)
        for who, page in self.pages.items():
            if page.is_closed():
                continue
            try:
                page.screenshot(path=str(folder / f"zz-at-failure-{who}.png"), full_page=True)
                (folder / f"zz-at-failure-{who}.html").write_text(page.content(), "utf-8")
            except Exception as exc:  # a crashed page must not hide the test's own error
                (folder / f"zz-at-failure-{who}.txt").write_text(repr(exc), "utf-8")
        return folder


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@pytest.fixture
def roles(browser, live_server, request):
    recorder = Roles(browser=browser, base_url=live_server.url)
    yield recorder
    report = getattr(request.node, "e2e_report_call", None)
    if report is not None and report.failed:
        folder = recorder.write_out()
        print(f"\ne2e screenshots of the failed run: {folder}", file=sys.stderr)
