"""Bench data for the reminder job: many customers with many open invoices,
due dates spread over the last days. Not for a production database."""

import datetime as dt
import random
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from customers.enums import CreditTerms
from customers.models import Contact, Customer
from finance.enums import InvoiceStatus
from finance.models import Invoice
from salesadmin.clock import company_today

PREFIX = "BENCH"


class Command(BaseCommand):
    help = (
        "Create open invoices for the reminder benchmark (default 100,000 over 2,000 "
        "customers, due dates spread over the last 120 days), in batches."
    )

    def add_arguments(self, parser):
        parser.add_argument("--invoices", type=int, default=100_000)
        parser.add_argument("--customers", type=int, default=2_000)
        parser.add_argument("--days", type=int, default=120, help="Due dates over this many days.")
        parser.add_argument("--seed", type=int, default=4)
        parser.add_argument(
            "--reset", action="store_true", help="Delete earlier bench data and its reminders."
        )

    def handle(self, *args, invoices, customers, days, seed, reset, **options):
        if "bench" not in connection.settings_dict["NAME"] and not reset:
            raise CommandError("Run this against a bench database (its name must contain 'bench').")
        rng = random.Random(seed)
        started = time.monotonic()
        with transaction.atomic():
            if reset:
                # Bench invoices have nothing else pointing at them but reminders.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "DELETE FROM finance_reminder WHERE invoice_id IN "
                        "(SELECT id FROM finance_invoice WHERE number LIKE %s)",
                        [f"{PREFIX}-%"],
                    )
                    cursor.execute(
                        "DELETE FROM finance_invoice WHERE number LIKE %s", [f"{PREFIX}-%"]
                    )
            if Invoice.objects.filter(number__startswith=PREFIX).exists():
                raise CommandError("Bench invoices exist already; use --reset.")
            salesperson, _created = get_user_model().objects.get_or_create(
                username="bench-sales", defaults={"email": "bench-sales@example.com"}
            )
            existing = {c.code: c for c in Customer.objects.filter(code__startswith=PREFIX)}
            new = [
                Customer(
                    code=f"{PREFIX}{n:05d}",
                    name=f"基准客户 {n:05d} 有限公司",
                    trading_since=dt.date(2020, 1, 1),
                    credit_terms=CreditTerms.MONTHLY,
                    credit_limit=Decimal("15000.00"),
                    salesperson=salesperson,
                )
                for n in range(customers)
                if f"{PREFIX}{n:05d}" not in existing
            ]
            Customer.objects.bulk_create(new, batch_size=1000)
            Contact.objects.bulk_create(
                [
                    Contact(
                        customer=c,
                        name="财务",
                        # One customer in ten has no e-mail address.
                        email="" if i % 10 == 0 else f"ap{i}@bench.example",
                        is_primary=True,
                    )
                    for i, c in enumerate(new)
                ],
                batch_size=1000,
            )
            pool = list(Customer.objects.filter(code__startswith=PREFIX).order_by("code"))[
                :customers
            ]
            today = company_today()
            batch = []
            for n in range(invoices):
                due = today - dt.timedelta(days=rng.randint(0, days))
                amount = Decimal(rng.randint(10_000, 5_000_000)) / 100
                paid = Decimal(0) if rng.random() < 0.8 else (amount / 2).quantize(Decimal("0.01"))
                batch.append(
                    Invoice(
                        number=f"{PREFIX}-{n:07d}",
                        customer=pool[n % len(pool)],
                        period_start=due.replace(day=1) - dt.timedelta(days=31),
                        period_end=due.replace(day=1) - dt.timedelta(days=1),
                        issue_date=due - dt.timedelta(days=30),
                        due_date=due,
                        amount=amount,
                        paid_amount=paid,
                        status=InvoiceStatus.OPEN,
                    )
                )
                if len(batch) == 10_000:
                    Invoice.objects.bulk_create(batch)
                    batch = []
            Invoice.objects.bulk_create(batch)
        # As autovacuum would have left months of invoices: hint bits set,
        # statistics fresh. Without it the first run pays for the bulk load.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE finance_invoice")
            cursor.execute("VACUUM ANALYZE finance_reminder")
        self.stdout.write(
            f"{invoices} open invoices over {len(pool)} customers in "
            f"{time.monotonic() - started:.1f} s."
        )
