"""Time the daily overdue-reminder job over many open invoices.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/f2_bench \\
        .venv/bin/python bench/reminders.py [--generate] [--send 50]

--generate first makes the data (manage.py generate_receivables_bench_data
--reset: 100,000 open invoices, 2,000 customers, due over the last 120 days).
Prints the time of creating the reminder rows (the set-based part of the
daily job), of a second run the same day (idempotent: creates nothing), and,
with --send N, of sending N of them (PDF letter + e-mail to the locmem backend
+ notice), per reminder.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesadmin.settings")
os.environ.setdefault("DEBUG", "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--send", type=int, default=0, help="Also send this many (timed).")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from finance import reminders
    from finance.enums import InvoiceStatus, ReminderStatus
    from finance.models import Invoice, Reminder

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    if args.generate:
        call_command("generate_receivables_bench_data", "--reset", invoices=args.invoices)
    # Start from no reminders so every run measures the same work.
    Reminder.objects.filter(invoice__number__startswith="BENCH").delete()
    open_count = Invoice.objects.filter(status=InvoiceStatus.OPEN).count()
    print(f"database {connection.settings_dict['NAME']}: {open_count} open invoices")

    started = time.perf_counter()
    created = reminders.reminders_create_due()
    first = time.perf_counter() - started
    print(f"daily job, creating reminder rows: {created} rows in {first:.2f} s")

    started = time.perf_counter()
    again = reminders.reminders_create_due()
    second = time.perf_counter() - started
    print(f"second run the same day:          {again} rows in {second:.2f} s")

    import datetime as dt

    from salesadmin.clock import company_today

    later = company_today() + dt.timedelta(days=15)
    started = time.perf_counter()
    escalated = reminders.reminders_create_due(today=later)
    third = time.perf_counter() - started
    print(f"15 days later (escalations):      {escalated} rows in {third:.2f} s")

    by_level = dict(Reminder.objects.values_list("level").annotate(n=Count("id")))
    print(f"by level: {dict(sorted(by_level.items()))}")

    if args.send:
        started = time.perf_counter()
        result = reminders.reminders_send_pending(limit=args.send)
        took = time.perf_counter() - started
        print(
            f"sending {result.total} (letter PDF, e-mail, notice; {result.no_email} without "
            f"e-mail): {took:.2f} s, {took / max(result.total, 1) * 1000:.0f} ms each"
        )
        pending = Reminder.objects.filter(status=ReminderStatus.PENDING).count()
        print(f"still pending: {pending}")


if __name__ == "__main__":
    main()
