"""Mail once: a letter is claimed (committed as "sending") before it is
e-mailed, carries a Message-ID derived from its row, and a crash between
sending and marking leads to a resend with the SAME Message-ID, never two
different letters; refused mail backs off and ends as "failed" with its
reason, and a missing static manifest does not stop letters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from finance import outbox, reminders, statements
from finance.enums import ReminderStatus, StatementStatus
from finance.models import Reminder, Statement
from notices.models import Notice
from salesadmin.roles import Role
from tests.factories import ContactFactory, CustomerFactory, UserFactory
from tests.finance.invoice_world import overdue, qiantang_customer

TODAY = dt.date(2026, 6, 15)


class WorkerKilled(BaseException):
    """A SIGKILL between the mail server's "250 OK" and the COMMIT."""


@pytest.fixture(autouse=True)
def letters(monkeypatch, settings):
    settings.REMINDER_LEVELS = [(1, 1), (2, 15), (3, 30)]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "finance@gas.example"
    monkeypatch.setattr(reminders, "company_today", lambda: TODAY)


@pytest.fixture
def salesperson(db):
    return UserFactory(username="sally", roles=[Role.SALES_CLERK])


@pytest.fixture
def reminder(salesperson):
    customer = qiantang_customer(salesperson)
    overdue(5, today=TODAY, customer=customer)
    reminders.reminders_create_due(today=TODAY)
    return Reminder.objects.get()


def crash_before_marking(monkeypatch):
    def killed(*args, **kwargs):
        raise WorkerKilled

    monkeypatch.setattr(outbox, "_mark", killed)


@pytest.mark.django_db
def test_the_letter_carries_a_message_id_derived_from_its_row(reminder):
    reminders.reminders_send_pending()

    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == f"<reminder-{reminder.pk}-L1@gas.example>"
    assert message.message()["Message-ID"] == f"<reminder-{reminder.pk}-L1@gas.example>"


@pytest.mark.django_db
def test_a_crash_between_send_and_commit_resends_with_the_same_message_id(
    reminder, salesperson, monkeypatch
):
    # Given a worker killed after the mail server took the letter, before the mark
    with monkeypatch.context() as patch:
        crash_before_marking(patch)
        with pytest.raises(WorkerKilled):
            reminders.reminders_send_pending()
    assert Reminder.objects.get().status == ReminderStatus.SENDING
    assert len(mail.outbox) == 1

    # When the next runs come: before the sending timeout, nothing is resent …
    soon = timezone.now() + dt.timedelta(minutes=5)
    assert reminders.reminders_send_pending(now=soon).sent == 0
    assert len(mail.outbox) == 1
    # … after it, the row is sent again and marked once.
    later = timezone.now() + dt.timedelta(minutes=16)
    assert reminders.reminders_send_pending(now=later).sent == 1

    # Then two copies of ONE letter (same Message-ID), one sent row, one notice
    first, resent = mail.outbox
    assert first.extra_headers["Message-ID"] == resent.extra_headers["Message-ID"]
    assert (first.subject, first.to) == (resent.subject, resent.to)
    row = Reminder.objects.get()
    assert (row.status, row.attempts) == (ReminderStatus.SENT, 2)
    assert Notice.objects.filter(recipient=salesperson, kind=reminders.SENT_KIND).count() == 1
    assert reminders.reminders_send_pending(now=later + dt.timedelta(hours=1)).sent == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_the_claim_is_committed_before_the_mail_server_is_called(reminder, monkeypatch):
    seen = []
    real_send = mail.EmailMessage.send

    def send(message, *args, **kwargs):
        seen.append((connection.in_atomic_block, Reminder.objects.get().status))
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMessage, "send", send)

    reminders.reminders_send_pending()

    assert seen == [(False, ReminderStatus.SENDING)]  # no transaction held over SMTP
    assert Reminder.objects.get().status == ReminderStatus.SENT


@pytest.mark.django_db
def test_refused_mail_backs_off_exponentially_then_fails_with_its_reason(
    reminder, monkeypatch, settings, client_for
):
    settings.REMINDER_MAX_ATTEMPTS = 4
    tries = []

    def refuse(message, *args, **kwargs):
        tries.append(timezone.now())
        raise ConnectionRefusedError("SMTP 421 try later")

    monkeypatch.setattr(mail.EmailMessage, "send", refuse)
    start = timezone.now()
    waits = []
    # A sender every minute for a day: never a tight loop.
    for minute in range(0, 24 * 60, 1):
        now = start + dt.timedelta(minutes=minute)
        before = Reminder.objects.get()
        if reminders.reminders_send_pending(now=now).failed:
            after = Reminder.objects.get()
            if after.next_attempt_at:
                waits.append(after.next_attempt_at - now)
        if before.status == ReminderStatus.FAILED:
            break

    base = settings.OUTBOX_RETRY_BASE
    assert waits == [base, base * 2, base * 4]
    assert len(tries) == 4
    row = Reminder.objects.get()
    assert (row.status, row.attempts) == (ReminderStatus.FAILED, 4)
    assert "SMTP 421 try later" in row.last_error
    # Finance sees it, with the reason, on the reminders page.
    finance = UserFactory(username="fin", roles=[Role.FINANCE])
    page = client_for(finance).get("/finance/reminders/?status=failed")
    assert "SMTP 421 try later" in page.content.decode()


def test_the_backoff_is_capped(settings):
    settings.OUTBOX_RETRY_BASE = dt.timedelta(minutes=10)
    settings.OUTBOX_RETRY_CAP = dt.timedelta(hours=6)
    assert outbox.retry_delay(1) == dt.timedelta(minutes=10)
    assert outbox.retry_delay(3) == dt.timedelta(minutes=40)
    assert outbox.retry_delay(12) == dt.timedelta(hours=6)


@pytest.mark.django_db
def test_a_statement_crash_between_send_and_commit_resends_the_same_letter(monkeypatch):
    from finance.enums import EntryKind
    from finance.models import ReceivableEntry

    customer = CustomerFactory()
    ContactFactory(customer=customer, email="ap@customer.example")
    ReceivableEntry.objects.create(
        customer=customer,
        kind=EntryKind.CHARGE,
        amount="100.00",
        entry_date=dt.date(2026, 5, 10),
        reference="DN-1",
    )
    statements.statements_create_for_month(period_start=dt.date(2026, 5, 1))
    with monkeypatch.context() as patch:
        crash_before_marking(patch)
        with pytest.raises(WorkerKilled):
            statements.statements_send_pending()

    later = timezone.now() + dt.timedelta(minutes=16)
    assert statements.statements_send_pending(now=later).sent == 1

    ids = {m.extra_headers["Message-ID"] for m in mail.outbox}
    statement = Statement.objects.get()
    assert ids == {f"<statement-{statement.pk}-20260501-20260531@gas.example>"}
    assert len(mail.outbox) == 2
    assert statement.status == StatementStatus.SENT


@pytest.mark.django_db
def test_letters_print_without_a_static_manifest(reminder, settings, tmp_path):
    """Production's manifest storage without collectstatic made every letter
    fail; printed documents no longer ask the manifest."""
    settings.STATIC_ROOT = str(tmp_path)  # empty: no manifest at all
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    from django.templatetags.static import static

    with pytest.raises(ValueError, match="manifest"):
        static("css/print.css")  # what {% static %} did in the letter

    result = reminders.reminders_send_pending()

    assert result.sent == 1
    (message,) = mail.outbox
    (_name, pdf, _mime) = message.attachments[0]
    assert pdf.startswith(b"%PDF")


@pytest.mark.django_db
def test_a_sales_summary_resent_after_a_crash_has_the_same_message_id(settings):
    from reports.models import SalesSummary
    from reports.services import _message, summary_figures

    start, end = dt.date(2026, 6, 5), dt.date(2026, 6, 14)
    summary = SalesSummary.objects.create(
        period_start=start, period_end=end, figures=summary_figures(start, end)
    )

    first = _message(summary, "boss@gas.example")
    again = _message(summary, "boss@gas.example")
    other = _message(summary, "deputy@gas.example")

    assert first.extra_headers["Message-ID"] == again.extra_headers["Message-ID"]
    assert first.extra_headers["Message-ID"].startswith(f"<sales-summary-{summary.pk}-")
    assert other.extra_headers["Message-ID"] != first.extra_headers["Message-ID"]


@pytest.mark.django_db
def test_finance_retries_the_failed_reminders_once_the_mail_server_is_back(
    reminder, monkeypatch, settings, client_for
):
    settings.REMINDER_MAX_ATTEMPTS = 1

    def refuse(message, *args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    with monkeypatch.context() as patch:
        patch.setattr(mail.EmailMessage, "send", refuse)
        reminders.reminders_send_pending()
    assert Reminder.objects.get().status == ReminderStatus.FAILED
    finance = UserFactory(username="fin", roles=[Role.FINANCE])
    client = client_for(finance)
    assert "Retry 1 failed" in client.get("/finance/reminders/").content.decode()

    client.post("/finance/reminders/", {"action": "retry_failed"})

    row = Reminder.objects.get()
    assert row.status == ReminderStatus.SENT  # the task ran in-process (no broker)
    assert len(mail.outbox) == 1
