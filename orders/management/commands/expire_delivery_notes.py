from django.core.management.base import BaseCommand

from orders.services.delivery_notes import delivery_notes_expire_stale


class Command(BaseCommand):
    help = (
        "Expire delivery notes not dispatched on their issue day (当天内有效) "
        "and give back their reserved stock."
    )

    def handle(self, *args, **options):
        expired = delivery_notes_expire_stale()
        self.stdout.write(f"{expired} delivery note(s) expired.")
