import datetime as dt

from django.core.management.base import BaseCommand

from finance.invoicing import invoices_issue_due


class Command(BaseCommand):
    help = (
        "Invoice dispatched delivery notes by terms: monthly customers for last month, "
        "quarterly customers for last quarter, prepaid notes not yet invoiced. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: today)"
        )

    def handle(self, *args, **options):
        invoices = invoices_issue_due(today=options.get("today"))
        self.stdout.write(f"{len(invoices)} invoice(s) issued.")
