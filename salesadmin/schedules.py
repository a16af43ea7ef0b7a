"""Every Celery beat schedule in one place (times in the company time zone)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Customers whose tenure crossed a threshold move to the next default terms.
    "customers-refresh-tenure-terms": {
        "task": "customers.tasks.refresh_tenure_terms",
        "schedule": crontab(hour=0, minute=30),
    },
}
