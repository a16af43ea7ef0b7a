"""Time the month-end jobs at scale, each in a transaction rolled back at the
end, or (the invoicing run) committed in a copy of the database dropped after:
the database is left as it was, so every run measures the same work.

- the invoicing run (finance.invoicing.invoices_issue_due) on the 1st, for
  every monthly customer's last month;
- the month-end statement rows (finance.statements.statements_create_for_month);
- the statements' PDFs, rendered and e-mailed (locmem backend) by the body of
  the Celery task ``month_end_statements`` (statements_send_pending): PDFs per
  second in this one process, i.e. per worker;
- the daily credit-hold review (finance.credit.credit_holds_review).

The reminder job over 100,000 invoices is bench/reminders.py.

    DATABASE_URL=postgres://…/monthend_bench .venv/bin/python manage.py migrate
    DATABASE_URL=… .venv/bin/python manage.py bench_reports_data \\
        --customers 5000 --order-lines 200000 --notes 50000 --days 60
    DATABASE_URL=… .venv/bin/python manage.py bench_month_end_data
    DATABASE_URL=… .venv/bin/python bench/month_end.py [--pdfs 50] [--only invoicing,...]

Targets (issue 16): invoicing <= 60 s for 5,000 monthly customers, statement
rows <= 30 s, >= 10 PDFs/s per worker, hold review <= 10 s.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesadmin.settings")
os.environ.setdefault("DEBUG", "1")

STEPS = ("invoicing", "statements", "pdfs", "holds")


class Rollback(Exception):
    pass


@contextmanager
def database_copy(connection):
    """Point Django's connection at a fresh copy of its database (CREATE DATABASE
    … TEMPLATE), dropped afterwards; no other session may use the original then."""
    import psycopg

    settings = connection.settings_dict
    original = settings["NAME"]
    copy_name = f"{original}_copy"
    params = {k: settings[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if settings.get(k)}
    admin = {"host": params.get("HOST"), "port": params.get("PORT")}
    admin |= {"user": params.get("USER"), "password": params.get("PASSWORD")}
    admin = {k: v for k, v in admin.items() if v}

    def run(sql: str) -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(sql)

    connection.close()
    run(f'DROP DATABASE IF EXISTS "{copy_name}"')
    run(f'CREATE DATABASE "{copy_name}" TEMPLATE "{original}"')
    settings["NAME"] = copy_name
    try:
        yield copy_name
    finally:
        connection.close()
        settings["NAME"] = original
        run(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pdfs", type=int, default=50, help="Statements to render and send.")
    parser.add_argument("--only", default=",".join(STEPS), help="Comma-separated steps.")
    args = parser.parse_args()
    steps = [s for s in args.only.split(",") if s]

    import django

    django.setup()
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    from django.conf import settings
    from django.db import connection, reset_queries, transaction

    from customers.enums import CreditTerms
    from customers.models import Customer
    from finance import statements
    from finance.credit import credit_holds_review
    from finance.invoicing import invoices_issue_due, uninvoiced_notes
    from finance.models import Statement
    from salesadmin.clock import company_today

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEBUG = True  # count the queries
    today = company_today().replace(day=1)
    monthly = Customer.objects.filter(credit_terms=CreditTerms.MONTHLY).count()
    print(
        f"database {connection.settings_dict['NAME']}: {monthly} monthly customers, "
        f"{uninvoiced_notes().count()} uninvoiced charged notes; run as on {today}"
    )

    def timed(label: str, work) -> None:
        reset_queries()
        try:
            with transaction.atomic():
                started = time.perf_counter()
                outcome = work()
                took = time.perf_counter() - started
                queries = len(connection.queries)
                print(f"{label:<28} {took:7.1f} s  {queries:7d} queries  {outcome}")
                raise Rollback
        except Rollback:
            pass

    if "invoicing" in steps:
        # As it runs in production: each customer its own committed transaction,
        # in a throwaway copy of the database. Inside one rolled-back transaction
        # the invoice-number row piles up a version per customer that every next
        # number must walk past (472 s measured that way for what takes ~60 s).
        with database_copy(connection) as copy_name:
            started = time.perf_counter()
            invoices = invoices_issue_due(today=today)
            took = time.perf_counter() - started
            customers = len({i.customer_id for i in invoices})
            print(
                f"{'invoicing run':<28} {took:7.1f} s  {len(connection.queries):7d} queries  "
                f"{len(invoices)} invoices for {customers} customers (committed, in {copy_name})"
            )

    if "statements" in steps:
        timed(
            "statement rows",
            lambda: f"{statements.statements_create_for_month()} rows (last month)",
        )

    if "pdfs" in steps:

        def pdfs():
            statements.statements_create_for_month()
            Statement.objects.filter(
                pk__in=list(Statement.objects.order_by("pk").values_list("pk", flat=True))[
                    args.pdfs :
                ]
            ).delete()
            started = time.perf_counter()
            result = statements.statements_send_pending(limit=args.pdfs)
            took = time.perf_counter() - started
            return f"{result.sent} sent: {result.sent / took:.1f} PDFs/s in one worker"

        timed("statement PDFs + e-mail", pdfs)

    if "holds" in steps:

        def holds():
            held, lifted = credit_holds_review()
            return f"{held} held, {lifted} lifted"

        timed("credit-hold review", holds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
