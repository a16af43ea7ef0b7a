#!/usr/bin/env python3
"""Drive the approval chain over HTTP as a person with a browser would.

    scripts/chain_over_http.py --base https://localhost --cafile root.crt --setup-json setup.json
    scripts/chain_over_http.py --base http://127.0.0.1:8000 --setup-json setup.json

``setup.json`` is the last line of ``manage.py bench_setup`` (demo logins, a
customer with credit, stock): in compose,
``docker compose exec web python manage.py bench_setup | tail -1 > setup.json``.

Each of the five roles logs in through the login form (CSRF cookie, session
cookie: the cookies must come back, which is what breaks when Secure cookies
meet plain HTTP), opens its home page, and then the chain runs through the
API with those sessions (CSRF header, as the pages' htmx does): order below
list → submit → manager approves → note issued → finance stamps → keeper
dispatches → the guard lets the truck out. /healthz and /readyz are checked
first. Exit status 0 when every step answered as expected; the timings are
printed. Only the standard library: it runs anywhere Python does.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "demo1234"
ROLES = ["clerk", "manager", "finance", "keeper", "guard"]


def dispatch_body(note: dict, batch_of: dict) -> dict:
    """The keeper's dispatch of a whole note (as the API answered it): each
    line's quantity from one batch, ``batch_of`` a product id's batch id."""
    return {
        "lines": [
            {
                "note_line": line["id"],
                "allocations": [
                    {"batch": batch_of[line["product"]["id"]], "quantity": line["quantity"]}
                ],
            }
            for line in note["lines"]
        ]
    }


def walk(
    act,
    setup: dict,
    *,
    customer,
    quantities: tuple[str, str, str],
    vehicle_plate: str,
    comment: str,
    at_the_gate=None,
) -> tuple[dict, dict]:
    """The chain, written once (bench/lifecycle.py walks it too): each step is
    one request, sent by ``act(step, role, method, path, body, created=False,
    read=False)`` and answered (``created``: 201 expected; ``read``: the walk
    reads the answer). The order is for the three products of ``manage.py
    bench_setup`` in ``quantities``; ``at_the_gate`` runs before the exit.
    Returns the note and the gate's answer."""
    first, second, third = setup["products"][:3]
    order = act(
        "create",
        "clerk",
        "POST",
        "/api/v1/orders/",
        {
            "customer": customer,
            "pickup_mode": "self_pickup",
            "lines": [
                # Below list price: the order waits for the manager.
                {"product": first["id"], "quantity": quantities[0], "unit_price": "1.00"},
                {"product": second["id"], "quantity": quantities[1]},
                {"product": third["id"], "quantity": quantities[2]},
            ],
        },
        created=True,
        read=True,
    )
    oid = order["id"]
    act("submit", "clerk", "POST", f"/api/v1/orders/{oid}/submit/", {})
    act("approve", "manager", "POST", f"/api/v1/orders/{oid}/approve/", {"comment": comment})
    note = act(
        "issue",
        "clerk",
        "POST",
        f"/api/v1/orders/{oid}/delivery-notes/",
        {
            "warehouse": first["warehouse"],
            "vehicle_plate": vehicle_plate,
            "lines": [
                {"order_line": line["id"], "quantity": line["quantity"]} for line in order["lines"]
            ],
        },
        created=True,
        read=True,
    )
    nid = note["id"]
    act("stamp", "finance", "POST", f"/api/v1/delivery-notes/{nid}/stamp/", {})
    batch_of = {p["id"]: p["batch"] for p in setup["products"]}
    act(
        "dispatch",
        "keeper",
        "POST",
        f"/api/v1/delivery-notes/{nid}/dispatch/",
        dispatch_body(note, batch_of),
    )
    if at_the_gate is not None:
        at_the_gate()
    result = act(
        "exit",
        "guard",
        "POST",
        "/api/v1/exit-passes/exit/",
        {"code": note["exit_pass_code"], "vehicle_plate": vehicle_plate},
        read=True,
    )
    return note, result


class Browser:
    def __init__(self, base: str, context: ssl.SSLContext | None):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar),
            urllib.request.HTTPSHandler(context=context),
        )

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def request(self, method: str, path: str, *, form=None, body=None, expect=200):
        url = self.base + path
        headers = {"Referer": self.base + "/", "Accept": "application/json, text/html"}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if method != "GET" and self.cookie("csrftoken"):
            headers["X-CSRFToken"] = self.cookie("csrftoken")
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with self.opener.open(request, timeout=30) as response:
                status, payload, final = response.status, response.read(), response.url
        except urllib.error.HTTPError as error:
            status, payload, final = error.code, error.read(), url
        if status != expect:
            raise SystemExit(f"FAIL {method} {path}: {status}, not {expect}: {payload[:300]!r}")
        return payload, final

    def json(self, method: str, path: str, body=None, expect=200) -> dict:
        payload, _ = self.request(method, path, body=body, expect=expect)
        return json.loads(payload) if payload else {}

    def login(self, username: str) -> None:
        self.request("GET", "/accounts/login/")
        token = self.cookie("csrftoken")
        if not token:
            raise SystemExit("FAIL no CSRF cookie came back from the login page")
        form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        _, final = self.request("POST", "/accounts/login/", form=form)
        if "/accounts/login/" in final:
            raise SystemExit(f"FAIL {username} is not logged in after the form (cookies lost?)")
        page, final = self.request("GET", "/")
        if "/accounts/login/" in final or username.encode() not in page:
            raise SystemExit(f"FAIL {username}'s home page did not keep the session")


def run(base: str, setup: dict, context) -> dict[str, float]:
    timings: dict[str, float] = {}

    def step(name, fn):
        started = time.perf_counter()
        result = fn()
        timings[name] = (time.perf_counter() - started) * 1000
        return result

    probe = Browser(base, context)
    assert probe.json("GET", "/healthz")["status"] == "ok"
    ready = probe.json("GET", "/readyz")
    if ready["status"] == "failed":
        raise SystemExit(f"FAIL /readyz: {ready}")

    people = {role: Browser(base, context) for role in ROLES}
    for role, browser in people.items():
        step(f"login {role}", lambda b=browser, r=role: b.login(r))

    def act(name, role, method, path, body, *, created=False, read=False):
        expect = 201 if created else 200
        return step(name, lambda: people[role].json(method, path, body, expect=expect))

    note, result = walk(
        act,
        setup,
        customer=setup["customer"],
        quantities=("2", "10.5", "1"),
        vehicle_plate="浙E00001",
        comment="chain_over_http",
        at_the_gate=lambda: step(
            "gate page", lambda: people["guard"].request("GET", "/orders/gate/")
        ),
    )
    if not result.get("passed"):
        raise SystemExit(f"FAIL the gate said STOP: {result}")
    final = people["clerk"].json("GET", f"/api/v1/delivery-notes/{note['id']}/")
    if final["status"] != "exited":
        raise SystemExit(f"FAIL note {note['number']} ended {final['status']}")
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--setup-json", required=True, help="last line of manage.py bench_setup")
    parser.add_argument("--cafile", help="trust this CA (Caddy's root.crt) for https")
    parser.add_argument("--insecure", action="store_true", help="do not verify the certificate")
    args = parser.parse_args()
    with open(args.setup_json) as f:
        setup = json.loads(f.read().strip().splitlines()[-1])
    context = None
    if args.base.startswith("https"):
        context = ssl.create_default_context(cafile=args.cafile)
        if args.insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
    started = time.perf_counter()
    timings = run(args.base, setup, context)
    for name, ms in timings.items():
        print(f"{name:>14}: {ms:7.1f} ms")
    print(f"OK the chain ran over {args.base} in {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
