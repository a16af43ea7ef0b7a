from django.core.management.base import BaseCommand

from sales.demo import load_demo_quotations


class Command(BaseCommand):
    help = "Add demo quotations in every state (after demo_data); safe to run again."

    def handle(self, *args, **options):
        self.stdout.write(f"{load_demo_quotations()} demo quotation(s) added.")
