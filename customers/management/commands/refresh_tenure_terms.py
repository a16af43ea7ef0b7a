from django.core.management.base import BaseCommand

from customers.services import customers_refresh_tenure_terms


class Command(BaseCommand):
    help = "Move customers who follow tenure defaults to the terms their tenure now earns."

    def handle(self, *args, **options):
        updated = customers_refresh_tenure_terms()
        self.stdout.write(f"{updated} customer(s) moved to new tenure terms.")
