from finance import reminders
from salesadmin.commands import DayCommand


class Command(DayCommand):
    help = (
        "The daily overdue-reminder job: create the reminders due today, send "
        "every pending one, tell the managers. Safe to run any number of times."
    )
    day_option = "--date"
    day_help = "Company date (default today)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--send-only", action="store_true", help="Only send pending rows.")

    def handle(self, *args, date=None, send_only=False, **options):
        if send_only:
            result = reminders.reminders_send_pending()
            self.stdout.write(f"{result.total} reminder(s) sent, {result.failed} failed.")
            return
        result = reminders.reminders_daily_job(today=date)
        self.stdout.write(
            f"{result.created} reminder(s) created; {result.send.sent} e-mailed, "
            f"{result.send.no_email} without e-mail, {result.send.failed} failed, "
            f"{result.send.dropped} settled meanwhile; {result.managers_told} manager(s) told."
        )
