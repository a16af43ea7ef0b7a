"""Every Celery beat schedule in one place (times in the company time zone)."""

from celery.schedules import crontab


def _at(task: str, **when) -> dict:
    """A beat entry: run ``task`` at the crontab ``when``."""
    return {"task": task, "schedule": crontab(**when)}


BEAT_SCHEDULE = {
    # Customers whose tenure crossed a threshold move to the next default terms.
    "customers-refresh-tenure-terms": _at(
        "customers.tasks.refresh_tenure_terms", hour=0, minute=30
    ),
    # Delivery notes are valid only on their issue day (当天内有效): just after
    # midnight yesterday's undispatched notes expire and give back their stock.
    "orders-expire-delivery-notes": _at("orders.tasks.expire_delivery_notes", hour=0, minute=5),
    # Safety net: a missed midnight run (beat down, broker lost the message) is
    # caught up within a quarter of an hour. The sweep is idempotent.
    "orders-expire-delivery-notes-catch-up": _at(
        "orders.tasks.expire_delivery_notes", minute="*/15"
    ),
    # Invoices by terms (finance/invoicing.py): on the 1st last month's for
    # monthly customers, after a quarter the quarter's for quarterly ones; the
    # other days it catches up a missed run or notes freed by a void. Idempotent.
    "finance-issue-invoices": _at("finance.tasks.issue_invoices", hour=0, minute=40),
    # Credit hold the day an invoice is more than one month overdue; lifted
    # when nothing is (finance/credit.py). After the invoicing, before reminders.
    "finance-review-credit-holds": _at("finance.tasks.review_credit_holds", hour=0, minute=50),
    # Overdue reminders: create today's rows, send every pending one, tell the
    # managers (finance/reminders.py). The hourly sender catches up whatever a
    # lost message or a Redis outage left pending; both are idempotent.
    "finance-daily-reminders": _at("finance.tasks.daily_reminders", hour=8, minute=0),
    "finance-send-reminders-catch-up": _at("finance.tasks.send_reminders", minute=20),
    # Month-end statements (对账单) for last month, on the 1st.
    "finance-month-end-statements": _at(
        "finance.tasks.month_end_statements", day_of_month=1, hour=6, minute=0
    ),
    "finance-send-statements-catch-up": _at("finance.tasks.send_statements", minute=40),
    # Yesterday's sales into the dashboard's day tables; the hourly re-run
    # catches up a missed night (days already rolled up are left alone).
    "reports-rollup-daily-sales": _at("reports.tasks.rollup_daily_sales", minute=25),
    # Sales summaries to the managers on the 5th, 15th and 25th, covering the
    # days since the last one; the hourly re-runs on those days catch up a lost
    # message or a refused mail (one row per period: never sent twice).
    "reports-sales-summaries": _at(
        "reports.tasks.send_sales_summaries", day_of_month="5,15,25", hour="7-20", minute=10
    ),
    # Safe retries: stored answers to Idempotency-Keys are kept 48 h, then
    # forgotten (salesadmin/idempotency). Idempotent, in batches.
    "salesadmin-purge-idempotency-keys": _at(
        "salesadmin.idempotency.tasks.purge_idempotency_keys", minute=50
    ),
    # Sent quotations past their validity lapse just after midnight; the hourly
    # re-run catches up a missed night (each quotation lapses once: SKIP LOCKED).
    "sales-lapse-quotations": _at("sales.tasks.lapse_quotations", hour="*", minute=7),
    # Follow-up calls (回访) a few days after delivery (contracts/services/
    # follow_ups.py): one row per contract, so the hourly re-run is harmless.
    "contracts-schedule-follow-ups": _at(
        "contracts.tasks.schedule_follow_ups", hour="*", minute=35
    ),
}
