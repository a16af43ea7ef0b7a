"""No 500 for any request.

Walks every URL pattern of the project (``get_resolver()``, the API included)
with OPTIONS, HEAD, GET, POST, PUT, PATCH and DELETE, as anonymous and as each
role, and then, as anonymous and as the manager (who may reach nearly every
view), with a NUL byte, a 10,000-character value and a malformed value in each
path segment and in the query parameters the route's code reads. Every answer
must be < 500, and every API refusal JSON with a ``code``.

The query parameters are found, not listed by hand: those the route's API
operation declares in the OpenAPI schema, and those its view module reads with
``request.GET.get("…")`` / ``query_params.get("…")``. Each parameter gets one of
the bad values (rotating), and all of them get each bad value at once: the
full cross product would take minutes and finds nothing more.

The routes are tested in groups by their first path segment, so xdist spreads
them over the workers.
"""

from __future__ import annotations

import contextlib
import inspect
import itertools
import json
import re
from collections import defaultdict
from functools import cache
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from salesadmin.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

METHODS = ["options", "head", "get", "post", "put", "patch", "delete"]
ROLES = [None, *Role]  # None: anonymous
NUL = "\x00"
LONG = "9" * 10_000
BAD_VALUES = [NUL, LONG, "-1", "abc", "1e999", "2026-13-45", "[]", "\u00b2"]
PARAM_READ = re.compile(r"""(?:GET|query_params|params)\.get(?:list)?\(\s*["']([a-z_]+)["']""")


# --- The routes ----------------------------------------------------------------------


def _walk(resolver, prefix: str, converters: dict):
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        found = dict(converters)
        found.update(getattr(pattern, "converters", {}))
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + _pattern_text(pattern), found)
        elif isinstance(entry, URLPattern):
            yield prefix + _pattern_text(pattern), found, entry.callback


def _pattern_text(pattern) -> str:
    if isinstance(pattern, RegexPattern):
        return "re:" + pattern._regex.lstrip("^").rstrip("$").replace("\\Z", "")
    assert isinstance(pattern, RoutePattern)
    return str(pattern)


ROUTES = sorted(
    (
        (route, converters, callback)
        for route, converters, callback in _walk(get_resolver(), "", {})
    ),
    key=lambda item: item[0],
)


def _group(route: str) -> str:
    parts = route.replace("re:", "").split("/")
    head = parts[0] or "home"
    if head == "admin":
        # No role is staff: the admin answers every role alike. Three groups.
        return f"admin-{sum(map(ord, route)) % 3}"
    if head == "api" and parts[1] == "v1":
        return f"api/v1/{parts[2]}"
    if head in ("orders", "finance"):  # the two largest: by their second segment
        second = parts[1] if len(parts) > 1 and not parts[1].startswith("<") else "detail"
        return re.sub(r"[^\w/]+", "-", f"{head}/{second or 'list'}")
    return re.sub(r"[^\w/]+", "-", head).strip("-")


GROUPS = sorted({_group(route) for route, _c, _cb in ROUTES})


# --- Filling in a route ----------------------------------------------------------------


def _first_alternative(regex: str) -> str:
    """A value a converter's or a re_path group's regex accepts, e.g. "submit"."""
    choice = regex.strip("()^$").split("|")[0]
    choice = re.sub(r"\(\?[:!=].*?\)", "", choice)
    if re.fullmatch(r"[\w\-.]+", choice):
        return choice
    if "0-9" in regex or "\\d" in regex:
        return "1"
    return "x"


def _fill(route: str, converters: dict, ids: dict, bad: str | None = None) -> list[str]:
    """Concrete URLs for ``route``: with real ids, or with ``bad`` in one segment at a time."""
    slots = []

    def real(name: str, kind: str) -> str:
        if kind in ("int", "path", "str", "slug") or kind not in converters:
            return _id_for(route, ids)
        return _first_alternative(converters[name].regex)

    if route.startswith("re:"):
        body = route[3:]
        parts = re.split(r"(\(\?P<\w+>[^)]*\))", body)
        template = []
        for part in parts:
            group = re.fullmatch(r"\(\?P<(\w+)>([^)]*)\)", part)
            if group:
                slots.append(len(template))
                value = _first_alternative(group.group(2))
                template.append(_id_for(route, ids) if value in ("1", "x") else value)
            else:
                template.append(re.sub(r"\\(.)", r"\1", part))
    else:
        parts = re.split(r"(<(?:(\w+):)?(\w+)>)", route)
        template = []
        index = 0
        while index < len(parts):
            part = parts[index]
            if part.startswith("<") and part.endswith(">"):
                kind, name = parts[index + 1] or "str", parts[index + 2]
                slots.append(len(template))
                template.append(real(name, kind))
                index += 3
            else:
                template.append(part)
                index += 1
    if bad is None:
        return ["/" + "".join(template)]
    urls = []
    for slot in slots:
        bent = list(template)
        bent[slot] = bad
        urls.append("/" + "".join(bent))
    return urls


def _id_for(route: str, ids: dict) -> str:
    for word, key in (
        ("notes", "note"),
        ("delivery-notes", "note"),
        ("invoices", "invoice"),
        ("reminders", "reminder"),
        ("customers", "customer"),
        ("orders", "order"),
        ("samples", "sample"),
        ("requests", "request"),
    ):
        if word in route:
            return str(ids[key])
    return "1"


def _quote_path(url: str) -> str:
    # The test client takes a path; a NUL must travel percent-encoded as a browser sends it.
    return url.replace(NUL, "%00")


# --- The query parameters a route reads -----------------------------------------------------


@cache
def _schema_params() -> dict[str, set[str]]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    found: dict[str, set[str]] = defaultdict(set)
    for path, operations in schema["paths"].items():
        route = re.sub(r"\{[^}]+\}", "{}", path.lstrip("/"))
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    found[route].add(parameter["name"])
    return found


def _params_for(route: str, callback) -> tuple[list[str], list[str]]:
    """(the view's own parameters, every parameter its module reads).

    The view's own: read in its function (or class) body, or declared for its
    API operation in the schema. The module's: read anywhere in the view's
    module, e.g. in a shared filter helper.
    """
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None) or callback
    view = inspect.unwrap(view)
    module = inspect.getmodule(view)
    own: set[str] = set()
    nearby: set[str] = set()
    if module is not None and not module.__name__.startswith("django."):
        with contextlib.suppress(OSError, TypeError):
            own |= set(PARAM_READ.findall(inspect.getsource(view)))
            nearby |= set(PARAM_READ.findall(inspect.getsource(module)))
    schema_route = re.sub(r"<[^>]+>", "{}", route)
    own |= _schema_params().get(schema_route, set())
    # the login page's redirect target: a value it checks itself
    own.discard("next")
    nearby.discard("next")
    return sorted(own), sorted(nearby | own)


def _query_variants(params: tuple[list[str], list[str]]) -> list[str]:
    own, nearby = params
    if not nearby:
        return [urlencode({"q": bad}) for bad in (NUL, LONG)]
    rotating = itertools.cycle(BAD_VALUES)
    one_each = [urlencode({name: next(rotating)}) for name in own]
    all_at_once = [urlencode(dict.fromkeys(nearby, bad)) for bad in (NUL, LONG, "abc", "\u00b2")]
    return one_each + all_at_once + ["limit=100000000", "offset=-5", "page=99999999"]


# --- The walk --------------------------------------------------------------------------------


@pytest.fixture
def world(chain):
    from finance.models import Reminder
    from tests.factories import InvoiceFactory

    invoice = InvoiceFactory(customer=chain.customer)
    reminder = Reminder.objects.create(
        invoice=InvoiceFactory(customer=chain.customer),
        customer=chain.customer,
        level=1,
        days_overdue=1,
        open_amount=invoice.amount,
    )
    return {
        "customer": chain.customer.pk,
        "order": chain.order().pk,
        "note": chain.stamped().pk,
        "invoice": invoice.pk,
        "reminder": reminder.pk,
        **_outbound_ids(chain),
    }


def _outbound_ids(chain) -> dict:
    """A submitted sample application and a request report (issue 11)."""
    from outbound.services.samples import sample_application_submit
    from tests.outbound.world import gift_request, prospect_sample

    sample = prospect_sample(chain)
    sample_application_submit(application=sample, user=chain.clerk)
    request = gift_request(chain)
    return {"sample": sample.pk, "request": request.pk}


@pytest.fixture
def clients(chain):
    made = {None: Client(raise_request_exception=False)}
    users = {Role.SALES_CLERK: chain.clerk, Role.FINANCE: chain.finance}
    users[Role.WAREHOUSE_KEEPER] = chain.keeper
    users[Role.MANAGER] = chain.manager
    users[Role.GATE_GUARD] = UserFactory(username="walk-guard", roles=[Role.GATE_GUARD])
    users[Role.QUALITY_INSPECTOR] = UserFactory(
        username="walk-inspector", roles=[Role.QUALITY_INSPECTOR]
    )
    for role, user in users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        made[role] = client
    return made


def _call(client: Client, method: str, url: str):
    if method in ("put", "patch", "delete", "options"):
        return getattr(client, method)(url, data="", content_type="application/json")
    if method == "post":
        return client.post(url, data={})
    return getattr(client, method)(url)


def _check(response, method: str, url: str, who, problems: list[str]) -> None:
    status = response.status_code
    if status >= 500:
        problems.append(f"{status} {method.upper()} {url[:120]} as {who}")
        return
    # The API's refusals; the schema (YAML) and its HTML viewer are documents, not the API.
    if url.startswith("/api/v1/") and status >= 400 and method != "head":
        try:
            body = json.loads(response.content)
        except ValueError:
            problems.append(f"{status} {method.upper()} {url[:120]} as {who}: not JSON")
            return
        if not isinstance(body, dict) or "code" not in body:
            problems.append(f"{status} {method.upper()} {url[:120]} as {who}: no code")


@pytest.mark.parametrize("group", GROUPS)
def test_no_request_answers_500(group, world, clients):
    problems: list[str] = []
    for route, converters, callback in ROUTES:
        if _group(route) != group:
            continue
        # Every method as everyone, on the route with real ids (the admin: anonymous
        # and one role, as no role is staff and all are sent to the admin's login).
        people = ROLES if not route.startswith("admin/") else (None, Role.MANAGER)
        for url in _fill(route, converters, world):
            for role, method in itertools.product(people, METHODS):
                _check(_call(clients[role], method, url), method, url, role, problems)
        # Bad path segments and query parameters, as anonymous and as the manager.
        # Bad path segments: GET and POST. Bad query values: GET (a form's POST reads
        # its body; its query string only where the GET view does).
        calls = [
            (method, _quote_path(url))
            for bad in (NUL, LONG, "0", "abc")
            for url in _fill(route, converters, world, bad=bad)
            for method in ("get", "post")
        ]
        base = _fill(route, converters, world)[0]
        calls += [("get", f"{base}?{q}") for q in _query_variants(_params_for(route, callback))]
        for role, (method, url) in itertools.product((None, Role.MANAGER), calls):
            _check(_call(clients[role], method, url), method, url, role, problems)
    assert not problems, "\n".join(problems)


def test_the_walk_covers_every_route():
    """Each route belongs to one group, and each group's test is collected."""
    assert len(ROUTES) > 100
    covered = defaultdict(int)
    for route, _converters, _callback in ROUTES:
        covered[_group(route)] += 1
    assert sum(covered.values()) == len(ROUTES)
    assert set(covered) == set(GROUPS)
