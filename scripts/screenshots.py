"""Render pages as their users see them, in headless Chromium (Debian's).

    .venv/bin/python scripts/screenshots.py [--base http://127.0.0.1:8000] [--out screenshots]

Logs in as each demo role and saves desktop and phone-sized PNGs of that role's
pages in English and Simplified Chinese. Needs a running server with demo data.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
PAGES = {
    "clerk": ["/", "/customers/", "/customers/1/", "/customers/1/edit/", "/inventory/stock/"],
    "finance": ["/"],
    "keeper": ["/", "/inventory/stock/", "/inventory/receipts/new/", "/inventory/moves/"],
    "guard": ["/"],
    "manager": ["/", "/customers/?hold=yes", "/customers/1/credit/"],
}


def slug(path: str) -> str:
    return path.strip("/").replace("/", "_").replace("?", "_").replace("=", "-") or "home"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--password", default="demo1234")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for user, paths in PAGES.items():
            for lang in ("en", "zh-hans"):
                for vp_name, viewport in VIEWPORTS.items():
                    context = browser.new_context(viewport=viewport, locale=lang)
                    context.add_cookies(
                        [{"name": "django_language", "value": lang, "url": args.base}]
                    )
                    page = context.new_page()
                    page.goto(f"{args.base}/accounts/login/")
                    page.fill("#id_username", user)
                    page.fill("#id_password", args.password)
                    page.click("button[type=submit]")
                    for path in paths:
                        page.goto(args.base + path)
                        name = f"{user}-{slug(path)}-{lang}-{vp_name}.png"
                        # A phone shows its first screen; a desktop the whole page.
                        page.screenshot(path=str(out / name), full_page=vp_name == "desktop")
                        print(out / name)
                    context.close()
        browser.close()


if __name__ == "__main__":
    main()
