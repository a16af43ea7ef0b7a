from django.core.management.base import BaseCommand

from reports.rollup import sales_rollup


class Command(BaseCommand):
    help = (
        "Write the closed days' sales into the dashboard's day tables (nightly; "
        "idempotent: days already there are left alone)."
    )

    def handle(self, *args, **options):
        days = sales_rollup()
        self.stdout.write(f"{days} day(s) rolled up.")
