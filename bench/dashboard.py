"""Time the manager's dashboard (and the other report pages) over a large dataset.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/r_bench .venv/bin/python manage.py migrate
    DATABASE_URL=... .venv/bin/python manage.py bench_reports_data
    DATABASE_URL=... .venv/bin/python bench/dashboard.py -n 50

Each page is requested through Django's test client in this process, logged in
as the manager, with DEBUG off, after a few warm-up requests: the whole
request (middleware, queries, template) is timed, not the network. The
dashboard keeps the receivables aging a minute per process; --cold-aging
rebuilds it on every request (the worst case, once a minute in real use). Prints the
number of queries per page and p50/p95/max in milliseconds; exits 1 when the
dashboard's p95 is over --target (300 ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesadmin.settings")

PAGES = {
    "dashboard": "/reports/",
    "dashboard (year)": "/reports/?period=year",
    "dashboard API": "/api/v1/reports/dashboard/",
    "sales by customer, this month": "/reports/sales/?group_by=customer",
    "reconciliation, this month": "/reports/reconciliation/",
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=50, help="requests per page (>= 30)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--target", type=float, default=300.0, help="dashboard p95, ms")
    parser.add_argument("--only-dashboard", action="store_true")
    parser.add_argument(
        "--cold-aging",
        action="store_true",
        help="forget the dashboard's one-minute aging cache before every request (worst case)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment(debug=False)  # the test client's host allowed, DEBUG off
    manager = get_user_model().objects.get(username="manager")
    client = Client()
    client.force_login(manager)

    from orders.models import DeliveryNote, SalesOrderLine

    print(
        f"data: {SalesOrderLine.objects.count():,} order lines, "
        f"{DeliveryNote.objects.count():,} delivery notes; {args.n} requests per page"
    )
    pages = {"dashboard": PAGES["dashboard"]} if args.only_dashboard else PAGES
    results = {}
    for name, url in pages.items():
        for _ in range(args.warmup):
            assert client.get(url).status_code == 200, url
        queries: list[str] = []

        def count(run, sql, *rest, queries=queries):
            queries.append(sql)
            return run(sql, *rest)

        with connection.execute_wrapper(count):
            client.get(url)
        times = []
        for _ in range(args.n):
            if args.cold_aging:
                cache.clear()
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
        results[name] = times
        print(
            f"{name:32s} queries {len(queries):3d}  "
            f"p50 {statistics.median(times):7.1f} ms  p95 {percentile(times, 0.95):7.1f} ms  "
            f"max {max(times):7.1f} ms"
        )
    p95 = percentile(results["dashboard"], 0.95)
    verdict = "OK" if p95 < args.target else "OVER TARGET"
    print(f"dashboard p95 {p95:.1f} ms, target {args.target:.0f} ms: {verdict}")
    return 0 if p95 < args.target else 1


if __name__ == "__main__":
    sys.exit(main())
