"""Browser contexts logged in as a role without going through the login form:
the session of a Django test client is handed to the browser as its cookie,
with the language cookie (the project picks the language from it first)."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext

LOCALES = {"en": "en-US", "zh-hans": "zh-CN"}  # Django's language -> the browser's locale


def logged_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def open_context(
    browser: Browser, base_url: str, lang: str, client: Client | None, **options
) -> BrowserContext:
    """A context in ``lang`` with the client's session (none: anonymous)."""
    context = browser.new_context(
        base_url=base_url,
        locale=LOCALES[lang],
        timezone_id="Asia/Shanghai",
        reduced_motion="reduce",  # no fades: colours and rings are measured at rest
        **options,
    )
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": base_url}]
    if client is not None and settings.SESSION_COOKIE_NAME in client.cookies:
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url})
    context.add_cookies(cookies)
    return context
