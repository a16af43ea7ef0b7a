"""Choosing in a searchable picker (Tom Select) the way a person does: type, wait
for the server's matches, Enter."""

from __future__ import annotations

from urllib.parse import unquote

from playwright.sync_api import Page, expect


def control(page: Page, select_id: str):
    """The picker's typing field (Tom Select names it after the <select>)."""
    return page.locator(f"#{select_id}-ts-control")


def choose(page: Page, select_id: str, typed: str, expected: str, *, focus: bool = True) -> None:
    """Type ``typed`` into the picker of ``select_id`` and Enter on the match
    showing ``expected``. ``focus=False``: the keyboard is already there."""
    field = control(page, select_id)
    if focus:
        field.focus()
    expect(field).to_be_focused()
    with page.expect_response(lambda r: "/pickers/" in r.url and f"q={typed}" in unquote(r.url)):
        page.keyboard.type(typed)
    expect(page.locator(f"#{select_id}-ts-dropdown .option.active")).to_contain_text(expected)
    page.keyboard.press("Enter")
