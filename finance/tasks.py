"""Celery tasks of the receivables: each takes ids (or nothing) and calls a
service. Idempotency lives in the rows (one reminder per invoice and level,
one statement per customer and period, pending → sent under a row lock), so a
retried, duplicated or lost message never sends twice and never loses one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from celery import shared_task

from finance import reminders, statements

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(Exception,), retry_backoff=30, max_retries=3)
def daily_reminders() -> dict:
    """Beat, daily: create the reminders due today, send all pending, tell the managers."""
    result = reminders.reminders_daily_job()
    return dataclasses.asdict(result)


@shared_task(autoretry_for=(Exception,), retry_backoff=30, max_retries=3)
def send_reminders() -> dict:
    """Send the pending reminders (catch-up, and the "send now" button)."""
    return dataclasses.asdict(reminders.reminders_send_pending())


@shared_task(autoretry_for=(Exception,), retry_backoff=30, max_retries=3)
def month_end_statements(period_start: str | None = None) -> dict:
    """Beat, on the 1st: a statement row for every customer with a balance or
    movements last month, then send the pending ones."""
    start = dt.date.fromisoformat(period_start) if period_start else None
    created = statements.statements_create_for_month(period_start=start)
    sent = statements.statements_send_pending()
    return {"created": created, **dataclasses.asdict(sent)}


@shared_task(autoretry_for=(Exception,), retry_backoff=30, max_retries=3)
def send_statements() -> dict:
    return dataclasses.asdict(statements.statements_send_pending())


@shared_task(autoretry_for=(Exception,), retry_backoff=30, max_retries=3)
def issue_invoices() -> int:
    """Beat, daily: invoice last month / last quarter by terms, and any prepaid
    note not yet invoiced (finance/invoicing.py). A note on a live invoice is
    never picked again, so a retry or a second run invoices nothing twice."""
    from finance.invoicing import invoices_issue_due

    return len(invoices_issue_due())


@shared_task(autoretry_for=(Exception,), retry_backoff=30, max_retries=3)
def review_credit_holds() -> dict:
    """Beat, daily: hold customers more than a month overdue, lift the holds
    the job set where nothing is (finance/credit.py)."""
    from finance.credit import credit_holds_review

    held, lifted = credit_holds_review()
    return {"held": held, "lifted": lifted}


def enqueue(task, *args, **kwargs) -> bool:
    """Publish a task from a web request without ever hanging it.

    The broker timeouts in settings bound the wait; any broker error is logged
    and swallowed: the work is already a pending row, and the next scheduled
    run carries it out. Returns whether the message was published.
    """
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:  # kombu OperationalError, redis ConnectionError, timeouts…
        logger.exception("Could not publish %s; the pending rows wait for the next run", task.name)
        return False
    return True
