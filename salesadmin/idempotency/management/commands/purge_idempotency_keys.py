from django.core.management.base import BaseCommand

from salesadmin.idempotency.services import idempotency_keys_purge


class Command(BaseCommand):
    help = "Delete stored Idempotency-Key answers older than IDEMPOTENCY_KEY_TTL."

    def handle(self, *args, **options):
        deleted = idempotency_keys_purge()
        self.stdout.write(f"{deleted} idempotency keys purged")
