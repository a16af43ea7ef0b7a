"""Time the printed documents: the five-copy delivery note and the statement
of a customer with many ledger lines, each rendered N times in one process
(as a gunicorn worker or a Celery worker would), median / p95 / max and bytes.

    .venv/bin/python bench/pdf_speed.py [--runs 20] [--note NUMBER] [--statement-lines 500]

Needs a database with a dispatched delivery note (``manage.py demo_data`` is
enough). The statement's ledger lines are written in a transaction that is
rolled back at the end: the database is left as it was. It also prints what
makes the difference on a machine: whether the CJK fonts are installed and
whether WeasyPrint found HarfBuzz's subsetter (libharfbuzz-subset0) or falls
back to fontTools, which is several times slower on CJK fonts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesadmin.settings")
os.environ.setdefault("DEBUG", "1")


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def report(label: str, times: list[float], size: int) -> None:
    print(
        f"{label:<34} {size / 1024:7.0f} KB   median {statistics.median(times) * 1000:6.0f} ms"
        f"   p95 {p95(times) * 1000:6.0f} ms   max {max(times) * 1000:6.0f} ms"
        f"   ({len(times)} renders)"
    )


def timed(render, runs: int) -> tuple[list[float], int]:
    render()  # the first render loads the fonts once per process: not what a worker pays
    times, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        size = len(render())
        times.append(time.perf_counter() - started)
    return times, size


def font_facts() -> None:
    from weasyprint.text.ffi import harfbuzz_subset

    for pattern in ("Noto Sans CJK SC", "Noto Sans CJK SC:bold", "Noto Serif CJK SC:bold"):
        try:
            found = subprocess.run(
                ["fc-match", pattern], capture_output=True, text=True, check=False
            ).stdout.strip()
        except FileNotFoundError:
            found = "(fc-match not installed)"
        print(f"font {pattern:<24} -> {found}")
    print(f"font subsetting: {'HarfBuzz' if harfbuzz_subset else 'fontTools (slow)'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--note", default="", help="A note number (default: the longest loaded).")
    parser.add_argument("--statement-lines", type=int, default=500)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import transaction
    from django.db.models import Count

    from finance import statements
    from finance.enums import EntryKind
    from finance.models import ReceivableEntry
    from orders.enums import NoteStatus
    from orders.models import DeliveryNote
    from orders.views.pdf import _get_note, note_pdf_context
    from salesadmin.clock import company_today
    from salesadmin.pdf import render_pdf

    font_facts()
    notes = DeliveryNote.objects.sales()  # a customer's note: its statement is printed too
    if args.note:
        notes = notes.filter(number=args.note)
    else:
        notes = notes.filter(
            status__in=[NoteStatus.DISPATCHED, NoteStatus.EXITED, NoteStatus.AWAITING_TOPUP]
        )
    note = notes.annotate(n=Count("lines")).order_by("-n", "-pk").first()
    if note is None:
        print("No delivery note to print: run manage.py demo_data first.")
        return 1

    def print_note() -> bytes:
        fresh = _get_note(note.pk)  # the page's own read, as each request does
        return render_pdf("pdf/delivery_note.html", note_pdf_context(fresh))

    times, size = timed(print_note, args.runs)
    report(f"delivery note {note.number} ({note.n} lines)", times, size)

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            customer = note.customer
            today = company_today()
            start = today.replace(day=1)
            ReceivableEntry.objects.bulk_create(
                [
                    ReceivableEntry(
                        customer=customer,
                        kind=EntryKind.CHARGE if i % 3 else EntryKind.PAYMENT,
                        amount=(1 if i % 3 else -1) * (1000 + i),
                        entry_date=start,
                        reference=f"BENCH-PDF-{i:05d}",
                        note="基准 bench",
                    )
                    for i in range(args.statement_lines)
                ]
            )

            def print_statement() -> bytes:
                data = statements.statement_for(
                    customer=customer, period_start=start, period_end=today
                )
                return statements.render_statement(data)

            times, size = timed(print_statement, max(3, args.runs // 4))
            report(f"statement, {args.statement_lines}+ lines", times, size)
            raise Rollback
    except Rollback:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
