from django.core.management.base import BaseCommand

from contracts.services.follow_ups import follow_ups_schedule


class Command(BaseCommand):
    help = "Make today's follow-up calls (回访) of delivered contracts (the daily job)."

    def handle(self, *args, **options):
        self.stdout.write(f"Follow-up calls made: {follow_ups_schedule()}")
