"""A real Celery worker, on Redis, carries out a reminder task.

Every other test runs tasks eagerly; this one publishes to the broker of
REDIS_URL (default redis://127.0.0.1:6379/0) and lets an embedded worker (a
thread of this process, solo pool) consume it. The worker sees the test
database because the test commits (transactional_db). Its own queue name keeps
it from taking, or being taken, messages of any other worker on that Redis.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult
from celery.signals import task_postrun
from django.core import mail
from django.db import connections

from finance import reminders
from finance.enums import ReminderStatus
from finance.models import Reminder
from finance.tasks import send_reminders
from tests.factories import ContactFactory, CustomerFactory
from tests.finance.celery_broker import real_broker
from tests.finance.invoice_world import overdue

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def _close_worker_connections(**kwargs):
    # The worker thread's database connection must not outlive the test
    # (the test database is dropped at the end of the run).
    connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_a_pending_reminder(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    customer = CustomerFactory(name="嘉兴实业")
    ContactFactory(customer=customer, email="ap@jiaxing.example")
    overdue(3, today=dt.date.today(), customer=customer)
    assert reminders.reminders_create_due(today=dt.date.today()) == 1
    queue = f"test-reminders-{uuid.uuid4().hex}"
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with (
            real_broker(REDIS_URL) as app,
            start_worker(app, pool="solo", queues=[queue], perform_ping_check=False),
        ):
            published = send_reminders.apply_async(queue=queue)
            assert not isinstance(published, EagerResult)  # through Redis, not in-process
            reminder = Reminder.objects.get()
            deadline = time.monotonic() + 30
            while reminder.status != ReminderStatus.SENT and time.monotonic() < deadline:
                time.sleep(0.1)
                reminder.refresh_from_db()
    finally:
        task_postrun.disconnect(_close_worker_connections)

    assert reminder.status == ReminderStatus.SENT
    assert reminder.email == "ap@jiaxing.example"
    assert [m.to for m in mail.outbox] == [["ap@jiaxing.example"]]
