from celery import shared_task

from customers.services import customers_refresh_tenure_terms


@shared_task
def refresh_tenure_terms() -> int:
    return customers_refresh_tenure_terms()
