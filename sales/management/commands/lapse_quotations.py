from django.core.management.base import BaseCommand

from sales.services.quotations import quotations_lapse_expired


class Command(BaseCommand):
    help = "Lapse sent quotations whose validity date has passed."

    def handle(self, *args, **options):
        lapsed = quotations_lapse_expired()
        self.stdout.write(f"{lapsed} quotation(s) lapsed.")
