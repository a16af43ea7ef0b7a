from reports.services import sales_summaries_run
from salesadmin.commands import DayCommand


class Command(DayCommand):
    help = (
        "Mail the managers the sales summary for the days since the last one "
        "(scheduled on the 5th, 15th and 25th); never sends a period twice."
    )
    day_option = "--date"
    day_help = "Run as if today were this day."

    def handle(self, *args, **options):
        sent = sales_summaries_run(today=options["date"])
        self.stdout.write(f"{sent} sales summary(ies) sent.")
