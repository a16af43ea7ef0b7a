"""Every page of the site, found by walking the URL patterns, so a new page is
visited by the browser tests without anyone adding it by hand.

``site_pages`` walks ``get_resolver()``, leaves out the API, the admin and the
downloads by rule, fills path parameters from a world's variants, and asks each
role for each URL with Django's test client: a full HTML document (200) is a
page to visit as that role; 403 means the role may not open it; 405 (POST only),
a redirect, a fragment (an htmx partial, visited inside its page) or a file is
not a page. Any other answer, or a pattern whose parameters nobody can fill,
is an error the test reports with its name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from tests.e2e.site_world import Variant

# Whole trees that are not our pages, by URL prefix, with the reason.
NOT_OUR_PAGES = {
    "admin/": "Django's admin site, Django's own markup",
    "api/": "the REST API, its schema and the third-party Swagger UI",
    "static/": "static files",
}
# Single patterns, by URL name, that are not pages to visit, with the reason.
NOT_PAGES = {
    "orders:order_action": "POST only: an order's transition buttons, on the order page",
    "orders:note_action": "POST only: a note's transition buttons, on the note page",
    "orders:order_pdf": "a PDF download",
    "orders:note_pdf": "a PDF download",
    "finance:reminder_letter": "a PDF download",
    "finance:statement_pdf": "a PDF download",
    "finance:aging_export": "a CSV/XLSX download",
    "orders:gate_check": "the gate form's POST target (a GET shows the gate page)",
    "orders:gate_exit": "the gate form's POST target (a GET shows the gate page)",
    "returns:return_action": "POST only: a return's transition buttons, on its page",
    "returns:allowance_action": "POST only: an allowance's approval buttons, on its page",
    "finance:customer_refund": "POST only: the refund form on a customer's account",
    "finance:credit_note_refund": "POST only: the refund form on the credit note's page",
    "finance:credit_note_pdf": "a PDF download",
    "finance:invoice_pdf": "a PDF download",
    "sales:quotation_action": "POST only: a quotation's transition buttons, on its page",
    "sales:quotation_pdf": "a PDF download",
    "orders:note_reissue": "POST only: the reissue button on an expired or cancelled note",
    "import_template": "an XLSX/CSV download (a spreadsheet template to import)",
    "sales:target_lines": "POST only: the target grid's save, on the target's page",
    "sales:target_import": "POST only: the XLSX import form, on the target's page",
    "sales:target_action": "POST only: a target's transition buttons, on its page",
    "sales:meeting_pdf": "a PDF download",
    "sales:commission_close": "POST only: the close button on the commission page",
    "orders:note_ask_override": "POST only: finance's ask-for-override form on a note's page",
    "orders:orders_approve": "POST only: the approval queue's bulk approve",
    "orders:notes_stamp": "POST only: the note list's bulk stamp",
    "orders:notes_print": "POST only: the note list's bulk print (a PDF)",
    "picker_customers": "JSON for the searchable pickers, not a page",
    "picker_products": "JSON for the searchable pickers, not a page",
    "picker_batches": "JSON for the searchable pickers, not a page",
    "picker_notes": "JSON for the searchable pickers, not a page",
    "hint_close": "POST only: the first-login hint's close button, on the home page",
    "contracts:task_update": "POST only: the tracker form on the task's page",
    "contracts:task_receive": "POST only: the receipt form on the task's page",
    "contracts:task_pdf": "a PDF download",
    "contracts:review_opinion": "POST only: a department's opinion form on the review's page",
    "contracts:review_confirm": "POST only: the confirm form on the review's page",
    "contracts:follow_up_record": "POST only: the call's result form on the follow-up list",
    "outbound:sample_action": "POST only: a sample application's buttons, on its page",
    "outbound:request_action": "POST only: a request report's buttons, on its page",
    "outbound:sample_pdf": "a PDF download",
    "outbound:request_pdf": "a PDF download",
}


@dataclass(frozen=True)
class Route:
    name: str | None
    route: str
    params: tuple[str, ...]
    regex: bool = False


@dataclass
class Page:
    """A URL to visit and the roles that may open it as a page."""

    name: str
    variant: str
    url: str
    answers: dict[str, str] = field(default_factory=dict)  # role -> page, forbidden, ...

    @property
    def label(self) -> str:
        return f"{self.name}, {self.variant}" if self.variant else self.name

    @property
    def roles(self) -> list[str]:
        return [role for role, answer in self.answers.items() if answer == "page"]


@dataclass
class Walk:
    pages: list[Page] = field(default_factory=list)
    not_pages: dict[str, str] = field(default_factory=dict)  # url -> what it answered
    errors: list[str] = field(default_factory=list)


def routes(patterns=None, prefix: str = "", namespace: str | None = None) -> Iterator[Route]:
    """Every URL pattern of the project, with its full route and its parameters."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            if namespace and inner:
                inner = f"{namespace}:{inner}"
            yield from routes(entry.url_patterns, route, inner or namespace)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            if isinstance(entry.pattern, RoutePattern):
                params = tuple(entry.pattern.converters)
                yield Route(name=name, route=route, params=params)
            else:
                groups = entry.pattern.regex.groups
                yield Route(name=name, route=route, params=("?",) * groups, regex=True)


def _leave_out(route: Route) -> str | None:
    for prefix, reason in NOT_OUR_PAGES.items():
        if route.route.startswith(prefix):
            return reason
    if route.name in NOT_PAGES:
        return NOT_PAGES[route.name]
    return None


def _urls(route: Route, variants: Mapping[str, list[Variant]]) -> tuple[list, str | None]:
    """(variant label, url) pairs for a route, or an error saying why none."""
    if route.name in variants:
        return [
            (v.label, reverse(route.name, kwargs=v.kwargs) + v.query) for v in variants[route.name]
        ], None
    if route.params:
        return [], (
            f"URL pattern {route.name or route.route!r} ({route.route}) has path parameters "
            f"{list(route.params)} the page walker cannot fill: add a variant for it to "
            "tests/e2e/site_world.py (SiteWorld.variants), or list it in "
            "tests/e2e/site_pages.py NOT_PAGES with the reason it is not a page"
        )
    if route.regex or route.name is None:
        return [("", "/" + route.route.lstrip("^").rstrip("$"))], None
    return [("", reverse(route.name))], None


def _answer(response) -> str:
    status = response.status_code
    if status == 200:
        kind = response.get("Content-Type", "")
        if not kind.startswith("text/html"):
            return "file"
        if b"<html" not in response.content[:500].lower():
            return "fragment"
        return "page"
    if status == 403:
        return "forbidden"
    if status == 405:
        return "post-only"
    if 300 <= status < 400:
        return "redirect"
    return f"HTTP {status}"


def site_pages(clients: Mapping[str, Client], variants: Mapping[str, list[Variant]]) -> Walk:
    """Ask every role for every URL; ``clients`` maps a role to a logged-in
    client (an anonymous one for the login page)."""
    walk = Walk()
    seen: set[str] = set()
    for route in routes():
        if _leave_out(route):
            continue
        urls, error = _urls(route, variants)
        if error:
            walk.errors.append(error)
            continue
        for label, url in urls:
            if url in seen:
                continue
            seen.add(url)
            answers = {
                role: _answer(c.get(url, HTTP_ACCEPT_LANGUAGE="en")) for role, c in clients.items()
            }
            bad = {role: a for role, a in answers.items() if a.startswith("HTTP")}
            if bad:
                walk.errors.append(f"{url} ({route.name}, {label or 'as is'}) answered {bad}")
                continue
            if "page" in answers.values():
                name = route.name or route.route
                walk.pages.append(Page(name=name, variant=label, url=url, answers=answers))
            else:
                walk.not_pages[url] = ", ".join(sorted(set(answers.values())))
    return walk
