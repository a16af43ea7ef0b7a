"""CPU per lifecycle in one process: the same API calls as bench/lifecycle.py,
through Django's test client instead of HTTP, timed in process CPU time.

    DATABASE_URL=postgres://…/prof_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://…/prof_bench .venv/bin/python bench/profile_lifecycle.py -n 60
    … --profile 30 --sort tottime   # a cProfile of 30 lifecycles, top functions

Wall-clock figures on a shared 2-core machine swing twofold; the CPU a process
spends on a lifecycle (ORM, serializers, views) barely moves with the
neighbours' load, so it is the figure to compare two trees by. It leaves out
PostgreSQL's own time and the HTTP server's.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesadmin.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "profile-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")


class InProcessClient:
    """bench/lifecycle.py's Client, answered by Django's test client."""

    def __init__(self, client, token: str):
        self.client = client
        self.auth = f"Token {token}"

    def call(self, method: str, path: str, body: dict | None = None, *, need=False) -> dict:
        extra = {"HTTP_AUTHORIZATION": self.auth}
        if not need:
            extra["HTTP_PREFER"] = "return=minimal"
        response = self.client.generic(
            method,
            path,
            json.dumps(body) if body is not None else "",
            content_type="application/json",
            **extra,
        )
        if response.status_code >= 300:
            answer = response.content[:300]
            raise RuntimeError(f"{method} {path} -> {response.status_code}: {answer!r}")
        return json.loads(response.content) if response.content else {}


def prepare():
    """Set Django up, the benchmark's data and a token per role; return one lifecycle."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from lifecycle import PASSWORD, lifecycle

    out = StringIO()
    call_command("bench_setup", stdout=out)
    setup = json.loads(out.getvalue().strip().splitlines()[-1])
    client = Client()
    tokens = {}
    for role in ["clerk", "manager", "finance", "keeper", "guard"]:
        answer = client.post(
            "/api/v1/auth/token/",
            {"username": role, "password": PASSWORD},
            content_type="application/json",
        )
        tokens[role] = answer.json()["token"]
    clients = {role: InProcessClient(Client(), token) for role, token in tokens.items()}
    customer = (setup.get("customers") or [setup["customer"]])[0]

    def one():
        lifecycle(
            clients,
            setup,
            {s: [] for s in ["create", "submit", "approve", "issue", "stamp", "dispatch", "exit"]},
            customer,
        )

    return one


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--lifecycles", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--profile", type=int, default=0, help="then profile this many")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    one = prepare()
    from django.db import connection

    for _ in range(args.warmup):
        one()
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        one()
    cpu, wall = [], []
    for _ in range(args.lifecycles):
        c0, w0 = time.process_time(), time.perf_counter()
        one()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    print(f"lifecycles: {args.lifecycles}, statements per lifecycle: {len(statements)}")
    print(
        f"process CPU per lifecycle: median {statistics.median(cpu):.1f} ms, "
        f"mean {statistics.mean(cpu):.1f} ms, min {min(cpu):.1f} ms"
    )
    print(f"wall per lifecycle: median {statistics.median(wall):.1f} ms")
    if args.profile:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(args.profile):
            one()
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
