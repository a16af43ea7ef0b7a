"""A working day's load: the five roles at once, as people use salesadmin.

Run by bench/load.sh (gunicorn with production settings; headless Locust).
Each simulated person logs in through the login form (a session, as a browser
keeps one), opens the pages of their daily work with think time between them
(1-3 s), and drives the chain through the same REST API the pages' scripts and
integrations use (session auth + CSRF header, as a browser's fetch would):

- clerks search customers, open the order form, ask price quotes (the
  pickers), create and submit orders, issue delivery notes for approved ones;
- managers open the dashboard, sales analysis, reconciliation, an order PDF,
  and approve the orders waiting for them;
- finance opens the notes waiting for the stamp, aging and payments, stamps
  notes and records payments;
- keepers open the stock and notes pages and dispatch stamped notes;
- guards open the gate, check a pass and let the truck out.

The chain's hand-overs go through in-process queues (gevent), so a note is
stamped by one finance user, dispatched by one keeper and let out by one guard,
as on the paper chain: every refusal counts as an error. The setup JSON comes
from ``manage.py bench_setup`` (customers with credit room, stocked products).
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
from collections import deque
from pathlib import Path

from locust import HttpUser, between, events, task

# The chain's logins and request bodies, written once in scripts/chain_over_http.py.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from chain_over_http import PASSWORD, dispatch_body  # noqa: E402

SETUP = json.loads(Path(os.environ["LOAD_SETUP"]).read_text()) if "LOAD_SETUP" in os.environ else {}
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# The chain's hand-overs, one queue per desk (deques: one process, gevent).
to_approve: deque[int] = deque()
to_issue: deque[dict] = deque()
to_stamp: deque[int] = deque()
to_dispatch: deque[dict] = deque()
to_exit: deque[str] = deque()


@events.test_start.add_listener
def _check_setup(environment, **_):
    if not SETUP.get("products"):
        raise SystemExit("LOAD_SETUP must name the JSON written by `manage.py bench_setup`")


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self):
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF_INPUT.search(page.text)
        response = self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            name="login",
            allow_redirects=False,
        )
        if response.status_code != 302:
            response.failure(f"login {self.username}: {response.status_code}")

    def page(self, url: str, name: str):
        return self.client.get(url, name=name)

    def act(self, url: str, name: str, body: dict | None = None, *, minimal=True):
        headers = {"X-CSRFToken": self.client.cookies.get("csrftoken", "")}
        if minimal:
            headers["Prefer"] = "return=minimal"
        with self.client.post(
            url, json=body or {}, headers=headers, name=name, catch_response=True
        ) as response:
            if response.status_code >= 300:
                response.failure(f"{response.status_code} {response.text[:200]}")
                return None
            return response.json() if response.content else {}

    @staticmethod
    def customer() -> int:
        return random.choice(SETUP["customers"])


class Clerk(Person):
    weight = 20
    username = "clerk"

    @task(4)
    def search_customers(self):
        self.page(
            f"/customers/?q={random.choice(['BENCH', '湖州', 'C0', '公司'])}", "customers search"
        )

    @task(3)
    def order_list(self):
        self.page("/orders/", "orders list")

    @task(2)
    def note_list(self):
        self.page("/orders/notes/", "notes list")

    @task(2)
    def enter_order(self):
        products = SETUP["products"]
        customer = self.customer()
        self.page("/orders/new/", "order form")
        self.page("/api/v1/customers/?q=BENCH&limit=20", "customer picker (api)")
        for product in products:
            self.page(
                f"/api/v1/price-quote/?customer={customer}&product={product['id']}",
                "price quote (api)",
            )
        order = self.act(
            "/api/v1/orders/",
            "order create (api)",
            {
                "customer": customer,
                "pickup_mode": "self_pickup",
                "lines": [
                    # One below list price: the order waits for a manager.
                    {"product": products[0]["id"], "quantity": "10", "unit_price": "1.00"},
                    {"product": products[1]["id"], "quantity": "250.5"},
                    {"product": products[2]["id"], "quantity": "4"},
                ],
            },
            minimal=False,
        )
        if (
            order
            and self.act(f"/api/v1/orders/{order['id']}/submit/", "order submit (api)") is not None
        ):
            to_approve.append(order["id"])
            # The approved order comes back to a clerk to issue its note.
            to_issue.append(order)

    @task(2)
    def issue_note(self):
        # Only orders the manager approved (kept in order: the oldest first).
        if not to_issue or to_issue[0]["id"] in to_approve:
            return
        order = to_issue.popleft()
        note = self.act(
            f"/api/v1/orders/{order['id']}/delivery-notes/",
            "note issue (api)",
            {
                "warehouse": SETUP["products"][0]["warehouse"],
                "vehicle_plate": "浙E88888",
                "lines": [
                    {"order_line": line["id"], "quantity": line["quantity"]}
                    for line in order["lines"]
                ],
            },
            minimal=False,
        )
        if note:
            to_stamp.append(note["id"])
            to_dispatch.append(note)


class Manager(Person):
    weight = 5
    username = "manager"

    @task(3)
    def dashboard(self):
        self.page("/reports/", "dashboard")

    @task(2)
    def sales_analysis(self):
        self.page("/reports/sales/", "sales analysis")

    @task(1)
    def reconciliation(self):
        self.page("/reports/reconciliation/", "reconciliation")

    @task(1)
    def approvals(self):
        self.page("/orders/approvals/", "approvals queue")

    @task(4)
    def approve(self):
        if to_approve:
            oid = to_approve.popleft()
            self.act(f"/api/v1/orders/{oid}/approve/", "order approve (api)", {"comment": "load"})

    @task(1)
    def order_pdf(self):
        if to_stamp:
            note = to_stamp[0]
            self.page(f"/orders/notes/{note}/pdf/", "delivery note pdf")


class Finance(Person):
    weight = 8
    username = "finance"

    @task(3)
    def waiting_notes(self):
        self.page("/orders/notes/?status=issued", "notes waiting for the stamp")

    @task(1)
    def aging(self):
        self.page("/finance/aging/", "aging")

    @task(1)
    def payments(self):
        self.page("/finance/payments/", "payments list")

    @task(4)
    def stamp(self):
        if to_stamp:
            nid = to_stamp.popleft()
            self.act(f"/api/v1/delivery-notes/{nid}/stamp/", "note stamp (api)")

    @task(1)
    def record_payment(self):
        self.act(
            "/api/v1/payments/",
            "payment record (api)",
            {
                "customer": self.customer(),
                "amount": "100.00",
                "reference": f"LOAD-{random.getrandbits(48):012x}",
            },
        )


class Keeper(Person):
    weight = 8
    username = "keeper"

    @task(2)
    def stock(self):
        self.page("/inventory/stock/", "stock")

    @task(2)
    def notes(self):
        self.page("/orders/notes/?status=stamped", "notes to load")

    @task(4)
    def dispatch(self):
        # Only notes finance has stamped (the oldest first).
        if not to_dispatch or to_dispatch[0]["id"] in to_stamp:
            return
        note = to_dispatch.popleft()
        batch_of = {p["id"]: p["batch"] for p in SETUP["products"]}
        done = self.act(
            f"/api/v1/delivery-notes/{note['id']}/dispatch/",
            "note dispatch (api)",
            dispatch_body(note, batch_of),
        )
        if done is not None:
            to_exit.append(note["exit_pass_code"])


class Guard(Person):
    weight = 4
    username = "guard"

    @task(2)
    def gate(self):
        self.page("/orders/gate/", "gate page")

    @task(3)
    def let_out(self):
        if not to_exit:
            return
        code = to_exit.popleft()
        self.act("/api/v1/exit-passes/check/", "pass check (api)", {"code": code}, minimal=False)
        result = self.act(
            "/api/v1/exit-passes/exit/",
            "pass exit (api)",
            {"code": code, "vehicle_plate": "浙E88888"},
            minimal=False,
        )
        if result is not None and not result.get("passed"):
            events.request.fire(
                request_type="GATE",
                name="pass exit (api)",
                response_time=0,
                response_length=0,
                exception=RuntimeError(f"STOP: {result}"),
            )
