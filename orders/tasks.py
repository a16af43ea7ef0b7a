from celery import shared_task

from orders.services.delivery_notes import delivery_notes_expire_stale


@shared_task
def expire_delivery_notes() -> int:
    """Notes are valid only on their issue day (当天内有效): expire yesterday's leftovers."""
    return delivery_notes_expire_stale()


@shared_task(autoretry_for=(Exception,), retry_backoff=5, max_retries=3)
def render_note_pdf(note_id: int) -> bool:
    """Render a delivery note's five copies and keep them for the print page
    (orders/views/pdf.py): the web worker never spends the layout time."""
    from orders.views.pdf import note_pdf_store

    return note_pdf_store(note_id)
