from celery import shared_task

from orders.services.delivery_notes import delivery_notes_expire_stale


@shared_task
def expire_delivery_notes() -> int:
    """Notes are valid only on their issue day (当天内有效): expire yesterday's leftovers."""
    return delivery_notes_expire_stale()
