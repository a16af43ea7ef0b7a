from celery import shared_task

from salesadmin.idempotency.services import idempotency_keys_purge


@shared_task(autoretry_for=(Exception,), retry_backoff=30, max_retries=3)
def purge_idempotency_keys() -> int:
    """Beat, hourly: forget the answers older than IDEMPOTENCY_KEY_TTL."""
    return idempotency_keys_purge()
