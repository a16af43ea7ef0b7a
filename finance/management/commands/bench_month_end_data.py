"""The receivable ledger for the month-end benchmark (bench/month_end.py), on
top of ``bench_reports_data``: a charge for every loaded note on its dispatch
day (as the dispatch service books it) and, per customer and month, a payment
of most of the month before, so statements have movements and balances, and
a primary contact with an e-mail address for the customers without one.

    DATABASE_URL=postgres://…/monthend_bench .venv/bin/python manage.py migrate
    DATABASE_URL=… .venv/bin/python manage.py bench_reports_data \\
        --customers 5000 --order-lines 200000 --notes 50000 --days 60
    DATABASE_URL=… .venv/bin/python manage.py bench_month_end_data

Set-based (INSERT … SELECT), seconds. Not for a production database.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from finance.models import ReceivableEntry
from salesadmin.clock import company_today

REFERENCE_PREFIX = "BENCH-ME-"


class Command(BaseCommand):
    help = "Add the receivable ledger of the bench notes (charges and payments)."

    def handle(self, *args, **options):
        if "bench" not in connection.settings_dict["NAME"]:
            raise CommandError("Run this against a bench database (its name must contain 'bench').")
        if ReceivableEntry.objects.filter(reference__startswith=REFERENCE_PREFIX).exists():
            raise CommandError("The month-end ledger exists already.")
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                """
                INSERT INTO finance_receivableentry (customer_id, kind, amount, entry_date,
                    method, payer, reference, delivery_note_id, note, created_at)
                SELECT dn.customer_id, 'charge', dn.actual_value,
                    (dn.dispatched_at AT TIME ZONE %s)::date,
                    '', '', dn.number, dn.id, '', dn.dispatched_at
                FROM orders_deliverynote dn
                WHERE dn.status IN ('dispatched', 'awaiting_topup', 'exited')
                  AND dn.actual_value > 0
                """,
                [settings.TIME_ZONE],
            )
            charges = cur.rowcount
            # Each customer pays 90 % of a month's charges on the 10th of the next.
            cur.execute(
                """
                INSERT INTO finance_receivableentry (customer_id, kind, amount, entry_date,
                    method, payer, reference, note, created_at)
                SELECT customer_id, 'payment', -round(SUM(amount) * 0.9, 2),
                    LEAST((date_trunc('month', entry_date) + interval '1 month 9 days')::date,
                          %s::date),
                    'bank_transfer', '', %s || customer_id || '-' ||
                        to_char(date_trunc('month', entry_date), 'YYYYMM'),
                    'bench', now()
                FROM finance_receivableentry
                WHERE kind = 'charge'
                  AND date_trunc('month', entry_date) < date_trunc('month', now())
                GROUP BY customer_id, date_trunc('month', entry_date)
                HAVING SUM(amount) > 0
                """,
                [company_today(), REFERENCE_PREFIX],
            )
            payments = cur.rowcount
            # A primary contact with an address: the statement goes out by e-mail.
            cur.execute(
                """
                INSERT INTO customers_contact (customer_id, name, title, email, phone, is_primary)
                SELECT c.id, '财务', '', 'ap' || c.id || '@bench.example', '', true
                FROM customers_customer c
                WHERE NOT EXISTS (
                    SELECT 1 FROM customers_contact k WHERE k.customer_id = c.id AND k.is_primary
                )
                """
            )
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE finance_receivableentry")
            cur.execute("VACUUM ANALYZE finance_customerbalance")
        self.stdout.write(
            f"{charges} charges and {payments} payments in {time.monotonic() - started:.1f} s."
        )
