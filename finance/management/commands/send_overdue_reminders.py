import datetime as dt

from django.core.management.base import BaseCommand

from finance import reminders


class Command(BaseCommand):
    help = (
        "The daily overdue-reminder job: create the reminders due today, send "
        "every pending one, tell the managers. Safe to run any number of times."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=dt.date.fromisoformat, help="Company date (default today)."
        )
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
