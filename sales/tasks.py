from celery import shared_task

from sales.services.quotations import quotations_lapse_expired


@shared_task
def lapse_quotations() -> int:
    """Sent quotations past their validity date lapse (报价失效)."""
    return quotations_lapse_expired()
