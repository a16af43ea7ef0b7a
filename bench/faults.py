"""Inject faults into a running stack and print what the clients saw.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres bench/faults.py

Creates its own database on that server (dropped at the end), migrates it,
loads the benchmark data, starts gunicorn (production settings, ``--workers``
sync workers, gunicorn's default 30 s timeout) and runs ``--clients`` clients
doing full lifecycles over the REST API (bench/lifecycle.py's steps) while:

1. **held row lock**: another session holds every stock level's row lock
   (``SELECT … FOR UPDATE``) for ``--lock-seconds`` (30 s: a stuck session, a
   long report), while /healthz is probed twice a second;
2. **worker kill**: a gunicorn worker is SIGKILLed every ``--kill-every``
   seconds, ``--kills`` times, in the middle of the lifecycles.

The clients behave as a careful client should: each write carries an
Idempotency-Key; a dropped connection or a 503 is retried with the same key
(after Retry-After). Printed: every answer by status (and code), the longest
wait, /healthz during the lock, how long after each fault the lifecycles
flowed again, and a consistency check (every lifecycle a client finished is
one gate exit, no lifecycle done twice). Stops every server it started, by
pid, and drops its database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from lifecycle import STEPS, bench_setup, lifecycle, token_for  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
ROLES = ["clerk", "manager", "finance", "keeper", "guard"]


class Log:
    """Every answer the clients got: (time, status label, seconds waited)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.answers: list[tuple[float, str, float]] = []
        self.lifecycles: list[float] = []  # end times of finished lifecycles
        self.stalls: list[float] = []  # first try to success, for actions that retried
        self.replays = 0
        self.failed: list[str] = []

    def answer(self, label: str, waited: float) -> None:
        with self.lock:
            self.answers.append((time.monotonic(), label, waited))


class RetryingClient:
    """bench/lifecycle.py's client interface, with safe retries: one
    Idempotency-Key per action, resent after a dropped connection or a 503."""

    def __init__(self, base: str, token: str, log: Log, max_tries: int = 40):
        self.url = urlparse(base)
        self.token = token
        self.log = log
        self.max_tries = max_tries
        self.conn = self._connect()

    def _connect(self):
        return http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=60)

    def call(self, method: str, path: str, body: dict | None = None, *, need=False) -> dict:
        headers = {
            "Authorization": f"Token {self.token}",
            "Content-Type": "application/json",
            "Idempotency-Key": str(uuid.uuid4()),
        }
        if not need:
            headers["Prefer"] = "return=minimal"
        payload = json.dumps(body) if body is not None else None
        first = time.monotonic()
        for attempt in range(self.max_tries):
            started = time.monotonic()
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                # Dropped connection (a killed worker) or no answer in time.
                self.log.answer(f"dropped ({type(exc).__name__})", time.monotonic() - started)
                self.conn.close()
                self.conn = self._connect()
                time.sleep(0.2)
                continue
            waited = time.monotonic() - started
            code = ""
            if response.status >= 400 and data[:1] == b"{":
                code = json.loads(data).get("code", "")
            label = f"{response.status} {code}".strip()
            if response.getheader("Idempotent-Replayed"):
                label += " (replayed)"
                with self.log.lock:
                    self.log.replays += 1
            self.log.answer(label, waited)
            if response.status == 503 or (
                response.status == 409 and code == "idempotency_in_progress"
            ):
                time.sleep(float(response.getheader("Retry-After") or 1))
                continue
            if response.status >= 300:
                raise RuntimeError(f"{method} {path} -> {label}: {data[:200]!r}")
            if attempt:
                with self.log.lock:
                    self.log.stalls.append(time.monotonic() - first)
            return json.loads(data) if data else {}
        raise RuntimeError(f"{method} {path}: gave up after {self.max_tries} tries")


# --- The stack ---------------------------------------------------------------------


def database_urls(server_url: str, name: str) -> tuple[str, str]:
    url = urlparse(server_url)
    return urlunparse(url._replace(path=f"/{name}")), urlunparse(url._replace(path="/postgres"))


def psql(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)


def start_gunicorn(env: dict, port: int, workers: int, log_path: Path) -> subprocess.Popen:
    log = log_path.open("w")
    return subprocess.Popen(
        [
            GUNICORN,
            "salesadmin.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def worker_pids(master: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return pids


def wait_healthy(base: str, seconds: float = 30) -> None:
    url = urlparse(base)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not become healthy")


# --- Load and faults ----------------------------------------------------------------


def run_load(base, tokens, setup, log: Log, clients: int, stop: threading.Event):
    customers = setup.get("customers") or [setup["customer"]]

    def client(index: int):
        mine = {role: RetryingClient(base, tokens[role], log) for role in ROLES}
        timings = {s: [] for s in STEPS}
        while not stop.is_set():
            try:
                lifecycle(mine, setup, timings, customers[index % len(customers)])
            except Exception as exc:  # noqa: BLE001 - counted and shown
                with log.lock:
                    log.failed.append(str(exc)[:200])
                continue
            with log.lock:
                log.lifecycles.append(time.monotonic())

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    return threads


def probe_health(base: str, stop: threading.Event, results: list):
    url = urlparse(base)
    while not stop.is_set():
        started = time.monotonic()
        try:
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=40)
            conn.request("GET", "/healthz")
            status = conn.getresponse().status
        except OSError as exc:
            status = type(exc).__name__
        results.append((started, status, time.monotonic() - started))
        time.sleep(0.5)


def hold_stock_locks(db_url: str, seconds: float, held: threading.Event):
    import psycopg

    with psycopg.connect(db_url) as conn, conn.transaction():
        conn.execute("SELECT id FROM inventory_stocklevel FOR UPDATE")
        held.set()
        time.sleep(seconds)


def summary(title: str, log: Log, since: float, until: float) -> Counter:
    answers = [a for a in log.answers if since <= a[0] <= until]
    by_status = Counter(label for _t, label, _w in answers)
    waits = [w for _t, _l, w in answers]
    print(
        f"  answers: {len(answers)}; by status: "
        + ", ".join(f"{label} ×{n}" for label, n in sorted(by_status.items()))
    )
    if waits:
        print(
            f"  wait per answer: p50 {statistics.median(waits) * 1000:.0f} ms, "
            f"max {max(waits):.2f} s"
        )
    return by_status


def first_lifecycle_after(log: Log, moment: float) -> float | None:
    after = [t for t in log.lifecycles if t > moment]
    return min(after) - moment if after else None


def scenario_lock(args, base, db_url, tokens, setup, gunicorn_log: Path):
    log = Log()
    stop = threading.Event()
    threads = run_load(base, tokens, setup, log, args.clients, stop)
    time.sleep(args.warm)
    health: list = []
    health_stop = threading.Event()
    prober = threading.Thread(target=probe_health, args=(base, health_stop, health), daemon=True)
    prober.start()
    held = threading.Event()
    holder = threading.Thread(
        target=hold_stock_locks, args=(db_url, args.lock_seconds, held), daemon=True
    )
    holder.start()
    held.wait(10)
    lock_start = time.monotonic()
    holder.join()
    lock_end = time.monotonic()
    time.sleep(args.after)
    stop.set()
    health_stop.set()
    for thread in threads:
        thread.join(timeout=90)
    prober.join(timeout=45)

    print(
        f"\n== held row lock: every stock level locked for {lock_end - lock_start:.1f} s, "
        f"{args.clients} clients, {args.workers} workers, lock_timeout "
        f"{args.lock_timeout}, statement_timeout {args.statement_timeout}"
    )
    print(" during the lock:")
    summary("lock", log, lock_start, lock_end)
    done = sum(1 for t in log.lifecycles if lock_start <= t <= lock_end)
    print(f"  lifecycles finished during the lock: {done}")
    probes = [(t, s, w) for t, s, w in health if lock_start <= t <= lock_end]
    if probes:
        bad = sum(1 for _t, s, _w in probes if s != 200)
        print(
            f"  /healthz: {len(probes)} probes, {bad} not 200, "
            f"max {max(w for _t, _s, w in probes):.2f} s"
        )
    print(" after the lock:")
    summary("after", log, lock_end, lock_end + args.after)
    recovery = first_lifecycle_after(log, lock_end)
    print(
        "  recovery: first lifecycle finished "
        + (f"{recovery:.2f} s after the release" if recovery is not None else "never")
    )
    timeouts = gunicorn_log.read_text().count("WORKER TIMEOUT")
    print(f"  gunicorn worker timeouts (killed workers): {timeouts}")
    print(f"  lifecycles failed for good: {len(log.failed)}")
    return log


def scenario_kill(args, base, master: int, tokens, setup):
    log = Log()
    stop = threading.Event()
    threads = run_load(base, tokens, setup, log, args.clients, stop)
    time.sleep(args.warm)
    start = time.monotonic()
    kills = []
    for _ in range(args.kills):
        workers = worker_pids(master)
        if workers:
            victim = random.choice(workers)
            os.kill(victim, signal.SIGKILL)
            kills.append(time.monotonic())
        time.sleep(args.kill_every)
    end = time.monotonic()
    time.sleep(args.after)
    stop.set()
    for thread in threads:
        thread.join(timeout=90)

    print(
        f"\n== worker kill: SIGKILL a gunicorn worker every {args.kill_every:.0f} s, "
        f"{len(kills)} kills, {args.clients} clients, {args.workers} workers"
    )
    summary("kill", log, start, end + args.after)
    recoveries = [r for r in (first_lifecycle_after(log, k) for k in kills) if r is not None]
    if recoveries:
        print(
            f"  recovery: a lifecycle finished {statistics.median(recoveries):.2f} s "
            f"(median) / {max(recoveries):.2f} s (max) after a kill"
        )
    if log.stalls:
        print(
            f"  actions that needed a retry: {len(log.stalls)}, first try to success: "
            f"max {max(log.stalls):.2f} s; answers replayed from the stored first answer: "
            f"{log.replays}"
        )
    print(f"  lifecycles failed for good: {len(log.failed)}")
    for failure in log.failed[:3]:
        print("   ", failure)
    return log


def gate_exits(db_url: str) -> tuple[int, int]:
    """(gate exits, notes let out more than once)."""
    import psycopg

    with psycopg.connect(db_url) as conn:
        exits = conn.execute("SELECT count(*) FROM orders_gateexit").fetchone()[0]
        doubled = conn.execute(
            "SELECT count(*) FROM (SELECT note_id FROM orders_gateexit GROUP BY note_id "
            "HAVING count(*) > 1) d"
        ).fetchone()[0]
    return exits, doubled


def consistency(db_url: str, before: int, finished: int) -> None:
    exits, doubled = gate_exits(db_url)
    print(
        f"\n== consistency: {finished} lifecycles finished by the clients, "
        f"{exits - before} new gate exits in the database, {doubled} notes let out twice"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8078)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--lock-seconds", type=float, default=30)
    parser.add_argument("--kills", type=int, default=6)
    parser.add_argument("--kill-every", type=float, default=3)
    parser.add_argument("--warm", type=float, default=5, help="seconds of load before a fault")
    parser.add_argument("--after", type=float, default=8, help="seconds of load after a fault")
    parser.add_argument(
        "--lock-timeout", default="3s", help="DB_LOCK_TIMEOUT for gunicorn (0: off, as before)"
    )
    parser.add_argument(
        "--statement-timeout", default="15s", help="DB_STATEMENT_TIMEOUT for gunicorn (0: off)"
    )
    parser.add_argument("--scenario", choices=["lock", "kill", "all"], default="all")
    args = parser.parse_args()

    server = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    name = f"salesadmin_faults_{os.getpid()}"
    db_url, admin_url = database_urls(server, name)
    base = f"http://127.0.0.1:{args.port}"
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DEBUG": "0",
        "SECRET_KEY": "faults-only-not-secret-0123456789abcdefghijklmnopqrstuv",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "DB_LOCK_TIMEOUT": args.lock_timeout,
        "DB_STATEMENT_TIMEOUT": args.statement_timeout,
    }
    gunicorn_log = ROOT / "var" / f"faults-gunicorn-{os.getpid()}.log"
    gunicorn_log.parent.mkdir(exist_ok=True)
    psql(admin_url, f'CREATE DATABASE "{name}"')
    gunicorn = None
    try:
        for command in (
            ["migrate", "--noinput", "-v", "0"],
            ["collectstatic", "--noinput", "-v", "0"],
        ):
            subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True)
        setup = bench_setup(PY, env)
        gunicorn = start_gunicorn(env, args.port, args.workers, gunicorn_log)
        wait_healthy(base)
        tokens = {role: token_for(base, role) for role in ROLES}
        finished = 0
        before, _doubled = gate_exits(db_url)
        if args.scenario in ("lock", "all"):
            finished += len(
                scenario_lock(args, base, db_url, tokens, setup, gunicorn_log).lifecycles
            )
        if args.scenario in ("kill", "all"):
            finished += len(scenario_kill(args, base, gunicorn.pid, tokens, setup).lifecycles)
        consistency(db_url, before, finished)
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
                gunicorn.wait()
        psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        gunicorn_log.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
