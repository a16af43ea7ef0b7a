import datetime as dt

from django.core.management.base import BaseCommand

from reports.services import sales_summaries_run


class Command(BaseCommand):
    help = (
        "Mail the managers the sales summary for the days since the last one "
        "(scheduled on the 5th, 15th and 25th); never sends a period twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=dt.date.fromisoformat, help="Run as if today were this day."
        )

    def handle(self, *args, **options):
        sent = sales_summaries_run(today=options["date"])
        self.stdout.write(f"{sent} sales summary(ies) sent.")
