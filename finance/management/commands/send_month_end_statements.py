import datetime as dt

from django.core.management.base import BaseCommand

from finance import statements


def _month(value: str) -> dt.date:
    return dt.date.fromisoformat(f"{value}-01")


class Command(BaseCommand):
    help = (
        "The monthly statement job (对账单): a statement for every customer with a "
        "balance or movements last month (or --month YYYY-MM), then e-mail the pending ones."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", type=_month, help="YYYY-MM (default: last month).")

    def handle(self, *args, month=None, **options):
        created = statements.statements_create_for_month(period_start=month)
        result = statements.statements_send_pending()
        self.stdout.write(
            f"{created} statement(s) created; {result.sent} e-mailed, "
            f"{result.no_email} without e-mail, {result.failed} failed."
        )
