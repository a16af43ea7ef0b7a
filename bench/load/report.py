"""Print Locust's per-request figures (its _stats.csv) as the table the README
keeps: requests, failures, p50/p95/p99 and requests per second, pages and
actions apart, each against its target (pages p95 <= 150 ms, actions 250 ms)."""

from __future__ import annotations

import csv
import sys

PAGE_P95_MS = 150
ACTION_P95_MS = 250


def main(path: str) -> int:
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    print(
        f"{'request':42} {'n':>6} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>6}  target"
    )
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        name = row["Name"]
        is_action = "(api)" in name and not name.startswith(("customer picker", "price quote"))
        target = "" if name == "Aggregated" else (ACTION_P95_MS if is_action else PAGE_P95_MS)
        p95 = float(row["95%"] or 0)
        verdict = "" if not target else ("ok" if p95 <= target else f"MISSED (> {target})")
        print(
            f"{name[:42]:42} {row['Request Count']:>6} {row['Failure Count']:>5} "
            f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6} "
            f"{float(row['Requests/s']):6.1f}  {verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
