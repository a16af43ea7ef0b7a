"""Drive full lifecycles of the approval chain over HTTP and print the figures.

    .venv/bin/python manage.py bench_setup          # once: benchmark customer + stock
    .venv/bin/python bench/lifecycle.py --base http://127.0.0.1:8000 -n 200 -c 4

Each lifecycle, through the REST API as the five roles: the clerk creates an
order with 3 lines (one below list, so a manager must approve) and submits it;
the manager approves; the clerk issues a delivery note for everything; finance
stamps; the keeper dispatches from the benchmark batches; the guard lets the
truck out with the exit-pass code. Prints lifecycles per second and p50/p95 per
step. Bounded: it stops after -n lifecycles and talks only to --base.

Steps whose answer the client does not read (submit, approve, stamp,
dispatch) ask for the minimal answer (``Prefer: return=minimal``) as such a
client would; ``--full-responses`` makes every step rebuild the whole document.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
# The chain's steps and logins, written once in scripts/chain_over_http.py
# (the standard library only: CI runs it alone).
sys.path.insert(0, str(ROOT / "scripts"))
from chain_over_http import PASSWORD, ROLES, walk  # noqa: E402

STEPS = ["create", "submit", "approve", "issue", "stamp", "dispatch", "exit"]


class Client:
    """One keep-alive connection per role per worker, with token auth."""

    def __init__(self, base: str, token: str):
        url = urlparse(base)
        self.conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=30)
        self.headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}

    minimal = True  # --full-responses turns it off

    def call(self, method: str, path: str, body: dict | None = None, *, need=False) -> dict:
        """``need``: the caller reads the answer; otherwise, unless --full-responses,
        ask for the minimal one (Prefer: return=minimal, RFC 7240)."""
        payload = json.dumps(body) if body is not None else None
        headers = self.headers
        if self.minimal and not need:
            headers = {**headers, "Prefer": "return=minimal"}
        self.conn.request(method, path, body=payload, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.status >= 300:
            raise RuntimeError(f"{method} {path} -> {response.status}: {data[:300]!r}")
        return json.loads(data) if data else {}

    def fetch(self, path: str) -> bytes:
        """A file (a PDF): the whole body, refused unless 200."""
        self.conn.request("GET", path, headers=self.headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path} -> {response.status}: {data[:300]!r}")
        return data


def bench_setup(python: str = sys.executable, env: dict | None = None) -> dict:
    """Run ``manage.py bench_setup``: its last line of output is the setup as JSON."""
    out = subprocess.run(
        [python, str(ROOT / "manage.py"), "bench_setup"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def token_for(base: str, username: str) -> str:
    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=30)
    conn.request(
        "POST",
        "/api/v1/auth/token/",
        body=json.dumps({"username": username, "password": PASSWORD}),
        headers={"Content-Type": "application/json"},
    )
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"login {username}: {response.status} {body[:200]!r}")
    return json.loads(body)["token"]


def lifecycle(
    clients: dict[str, Client], setup: dict, timings: dict[str, list[float]], customer=None
) -> None:
    def timed(step, fn):
        start = time.perf_counter()
        result = fn()
        timings[step].append((time.perf_counter() - start) * 1000)
        return result

    def act(step, role, method, path, body, *, created=False, read=False):
        return timed(step, lambda: clients[role].call(method, path, body, need=read))

    note, result = walk(
        act,
        setup,
        customer=customer or setup["customer"],
        quantities=("10", "250.5", "4"),
        vehicle_plate="浙E88888",
        comment="bench",
    )
    if not result.get("passed"):
        raise RuntimeError(f"gate said STOP: {result}")
    if "invoice" in timings:  # --invoiced: the prepaid note was invoiced at dispatch
        found = timed(
            "invoice",
            lambda: clients["finance"].call(
                "GET", f"/api/v1/invoices/?delivery_note={note['id']}", need=True
            ),
        )
        if found.get("count") != 1:
            raise RuntimeError(f"note {note['id']} is on {found.get('count')} invoices")
        iid = found["results"][0]["id"]
        pdf = timed("invoice pdf", lambda: clients["finance"].fetch(f"/api/v1/invoices/{iid}/pdf/"))
        if not pdf.startswith(b"%PDF"):
            raise RuntimeError(f"invoice {iid}: not a PDF")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("-n", "--lifecycles", type=int, default=100)
    parser.add_argument("-c", "--clients", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--setup-json", help="output of `manage.py bench_setup` (else run it)")
    parser.add_argument(
        "--full-responses",
        action="store_true",
        help="every action answers the whole document (default: only where the client "
        "reads it, the others with Prefer: return=minimal)",
    )
    parser.add_argument(
        "--one-customer",
        action="store_true",
        help="every client works for the same customer (default: one customer per client, "
        "as clerks serving different customers; all share the same three products' stock)",
    )
    parser.add_argument(
        "--invoiced",
        action="store_true",
        help="like for like with ERPs that invoice every sale: prepaid customers, so "
        "dispatch issues the invoice; each lifecycle then finds it and renders its PDF",
    )
    args = parser.parse_args()
    Client.minimal = not args.full_responses
    steps = STEPS + (["invoice", "invoice pdf"] if args.invoiced else [])

    setup = json.loads(Path(args.setup_json).read_text()) if args.setup_json else bench_setup()
    tokens = {r: token_for(args.base, r) for r in ROLES}

    def clients():
        return {role: Client(args.base, token) for role, token in tokens.items()}

    customers = setup.get("customers") or [setup["customer"]]
    if args.invoiced:
        customers = setup["prepaid_customers"]
    if args.one_customer:
        customers = customers[:1]

    warm = clients()
    for _ in range(args.warmup):
        lifecycle(warm, setup, {s: [] for s in steps}, customers[0])

    timings: dict[str, list[float]] = {s: [] for s in steps}
    lock = threading.Lock()
    per_lifecycle: list[float] = []
    errors: list[str] = []
    counter = iter(range(args.lifecycles))

    def worker(index: int):
        customer = customers[index % len(customers)]
        mine = clients()
        local = {s: [] for s in steps}
        while True:
            with lock:
                if next(counter, None) is None:
                    break
            start = time.perf_counter()
            try:
                lifecycle(mine, setup, local, customer)
            except Exception as exc:  # noqa: BLE001 - report and go on
                with lock:
                    errors.append(str(exc))
                continue
            with lock:
                per_lifecycle.append((time.perf_counter() - start) * 1000)
        with lock:
            for s in steps:
                timings[s] += local[s]

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started

    done = len(per_lifecycle)
    answers = "full answers" if args.full_responses else "minimal answers where unread"
    answers += ", one shared customer" if args.one_customer else ", a customer per client"
    answers += ", invoiced with the invoice's PDF" if args.invoiced else ""
    print(
        f"lifecycles: {done} ok, {len(errors)} failed, {args.clients} client(s), "
        f"{elapsed:.2f} s, {answers}"
    )
    print(f"throughput: {done / elapsed:.1f} lifecycles/s")
    if per_lifecycle:
        print(
            f"lifecycle latency: p50 {statistics.median(per_lifecycle):.1f} ms, "
            f"p95 {pct(per_lifecycle, 95):.1f} ms"
        )
    print(f"{'step':<12}{'p50 ms':>9}{'p95 ms':>9}")
    for s in steps:
        if timings[s]:
            print(f"{s:<12}{statistics.median(timings[s]):>9.1f}{pct(timings[s], 95):>9.1f}")
    for e in errors[:5]:
        print("error:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
