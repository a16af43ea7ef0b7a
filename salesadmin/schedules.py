"""Every Celery beat schedule in one place (times in the company time zone)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Customers whose tenure crossed a threshold move to the next default terms.
    "customers-refresh-tenure-terms": {
        "task": "customers.tasks.refresh_tenure_terms",
        "schedule": crontab(hour=0, minute=30),
    },
    # Delivery notes are valid only on their issue day (当天内有效): just after
    # midnight yesterday's undispatched notes expire and give back their stock.
    "orders-expire-delivery-notes": {
        "task": "orders.tasks.expire_delivery_notes",
        "schedule": crontab(hour=0, minute=5),
    },
    # Safety net: a missed midnight run (beat down, broker lost the message) is
    # caught up within a quarter of an hour. The sweep is idempotent.
    "orders-expire-delivery-notes-catch-up": {
        "task": "orders.tasks.expire_delivery_notes",
        "schedule": crontab(minute="*/15"),
    },
}
