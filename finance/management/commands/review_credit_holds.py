import datetime as dt

from django.core.management.base import BaseCommand

from finance.credit import credit_holds_review


class Command(BaseCommand):
    help = (
        "Put on credit hold every customer with an invoice more than one month overdue; "
        "lift the holds this job set where nothing is overdue that long any more."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: today)"
        )

    def handle(self, *args, **options):
        held, lifted = credit_holds_review(today=options.get("today"))
        self.stdout.write(f"{held} put on hold, {lifted} released.")
