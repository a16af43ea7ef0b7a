"""Overdue reminders: the right level once per invoice, sent once, even when the
job runs twice, a send fails half-way and is retried, or two senders race."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from finance import reminders
from finance.enums import InvoiceStatus, ReminderStatus
from finance.models import Invoice, Reminder
from notices.models import Notice
from salesadmin.roles import Role
from tests.factories import ContactFactory, CustomerFactory, UserFactory
from tests.finance.celery_broker import real_broker
from tests.finance.invoice_world import overdue, qiantang_customer, sent_reminders
from tests.pdf_tools import pdf_text
from tests.racing import run_together

TODAY = dt.date(2026, 6, 15)
LEVELS = [(1, 1), (2, 15), (3, 30)]

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fixed_today"),
]


@pytest.fixture
def fixed_today(monkeypatch, settings):
    settings.REMINDER_LEVELS = LEVELS
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.setattr(reminders, "company_today", lambda: TODAY)


@pytest.fixture
def salesperson(db):
    return UserFactory(username="sally", roles=[Role.SALES_CLERK])


@pytest.fixture
def customer(salesperson):
    return qiantang_customer(salesperson)


def levels_of(invoice) -> list[int]:
    return sorted(invoice.reminders.values_list("level", flat=True))


# --- Which level, when -----------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "expected"),
    [(0, []), (1, [1]), (14, [1]), (15, [2]), (29, [2]), (30, [3]), (120, [3])],
)
def test_an_invoice_gets_the_highest_level_it_has_reached(customer, days, expected):
    invoice = overdue(days, today=TODAY, customer=customer)

    reminders.reminders_create_due(today=TODAY)

    assert levels_of(invoice) == expected


def test_first_seen_20_days_overdue_gets_level_2_only_and_level_3_later(customer):
    invoice = overdue(20, today=TODAY, customer=customer)

    reminders.reminders_create_due(today=TODAY)
    assert levels_of(invoice) == [2]

    reminders.reminders_create_due(today=TODAY + dt.timedelta(days=9))  # 29 days
    assert levels_of(invoice) == [2]

    reminders.reminders_create_due(today=TODAY + dt.timedelta(days=10))  # 30 days
    assert levels_of(invoice) == [2, 3]


def test_levels_escalate_day_by_day(customer):
    invoice = overdue(0, today=TODAY, customer=customer)

    for day in range(0, 40):
        reminders.reminders_create_due(today=TODAY + dt.timedelta(days=day))

    assert levels_of(invoice) == [1, 2, 3]
    first = invoice.reminders.get(level=1)
    assert first.days_overdue == 1


def test_running_the_creation_twice_creates_nothing_more(customer):
    overdue(3, today=TODAY, customer=customer)
    overdue(40, today=TODAY, customer=customer)

    assert reminders.reminders_create_due(today=TODAY) == 2
    assert reminders.reminders_create_due(today=TODAY) == 0
    assert Reminder.objects.count() == 2


def test_void_paid_and_settled_invoices_get_no_reminder(customer):
    overdue(
        10, today=TODAY, customer=customer, status=InvoiceStatus.VOID, void_reason="wrong price"
    )
    overdue(
        10, today=TODAY, customer=customer, status=InvoiceStatus.PAID, paid_amount=Decimal(1000)
    )
    overdue(10, today=TODAY, customer=customer, paid_amount=Decimal("1000.00"))

    assert reminders.reminders_create_due(today=TODAY) == 0


def test_a_part_paid_invoice_is_reminded_of_its_open_amount(customer):
    invoice = overdue(5, today=TODAY, customer=customer, paid_amount=Decimal("400.50"))

    reminders.reminders_create_due(today=TODAY)

    assert invoice.reminders.get().open_amount == Decimal("599.50")


@override_settings(REMINDER_LEVELS=[(1, 7), (2, 45)])
def test_levels_come_from_settings(customer):
    early = overdue(6, today=TODAY, customer=customer)
    week = overdue(7, today=TODAY, customer=customer)
    late = overdue(50, today=TODAY, customer=customer)

    reminders.reminders_create_due(today=TODAY)

    assert (levels_of(early), levels_of(week), levels_of(late)) == ([], [1], [2])


# --- Sending -------------------------------------------------------------------


def test_a_reminder_is_emailed_with_the_letter_and_the_salesperson_told(customer, salesperson):
    invoice = overdue(16, today=TODAY, customer=customer, number="INV2026-000042")
    reminders.reminders_create_due(today=TODAY)

    result = reminders.reminders_send_pending()

    assert result.sent == 1
    [message] = mail.outbox
    assert message.to == ["wang@qiantang.example"]
    assert "INV2026-000042" in message.subject
    [(filename, pdf, mimetype)] = message.attachments
    assert (filename, mimetype) == ("reminder-INV2026-000042-L2.pdf", "application/pdf")
    assert pdf.startswith(b"%PDF")
    reminder = invoice.reminders.get()
    assert reminder.status == ReminderStatus.SENT
    assert reminder.email == "wang@qiantang.example"
    assert reminder.sent_at is not None
    [notice] = Notice.objects.filter(recipient=salesperson)
    assert notice.kind == reminders.SENT_KIND
    assert "INV2026-000042" in notice.text


def test_the_letter_prints_the_chinese_name_amount_and_due_date(customer):
    overdue(31, today=TODAY, customer=customer, paid_amount=Decimal("200.00"))
    reminders.reminders_create_due(today=TODAY)
    reminder = Reminder.objects.get()

    text = pdf_text(reminders.render_letter(reminder))

    assert "杭州钱塘气体有限公司" in text
    assert "最后催款通知" in text  # level 3 is the final one, with the hold
    assert "800.00" in text
    assert "2026-05-15" in text  # due date
    assert "人民币捌佰元整" in text


def test_running_the_daily_job_twice_sends_each_reminder_once(customer, manager):
    overdue(2, today=TODAY, customer=customer)
    overdue(20, today=TODAY, customer=customer)

    first = reminders.reminders_daily_job(today=TODAY)
    second = reminders.reminders_daily_job(today=TODAY)

    assert (first.created, first.send.sent) == (2, 2)
    assert (second.created, second.send.sent) == (0, 0)
    reminder_mails = [m for m in mail.outbox if m.to == ["wang@qiantang.example"]]
    assert len(reminder_mails) == 2
    assert Notice.objects.filter(recipient=manager, kind=reminders.SUMMARY_KIND).count() == 1


class FailsOnSecondMessage:
    """A mail backend whose server accepts one message, then is unreachable."""

    def __init__(self):
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.calls == 2:
            raise ConnectionRefusedError("SMTP server went away")


def test_a_retry_after_a_failure_half_way_sends_each_reminder_once(customer, monkeypatch):
    """The first message is accepted and committed; the second fails. The retry
    (another run) sends only the second."""
    overdue(2, today=TODAY, customer=customer, number="INV-A")
    overdue(3, today=TODAY, customer=customer, number="INV-B")
    reminders.reminders_create_due(today=TODAY)
    failing = FailsOnSecondMessage()
    real_send = mail.EmailMessage.send

    def send(message, *args, **kwargs):
        failing()
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMessage, "send", send)

    first = reminders.reminders_send_pending()
    too_soon = reminders.reminders_send_pending()  # the failed one waits (backoff)
    later = timezone.now() + settings.OUTBOX_RETRY_BASE + dt.timedelta(seconds=1)
    retry = reminders.reminders_send_pending(now=later)

    assert (first.sent, first.failed) == (1, 1)
    assert (too_soon.sent, too_soon.failed) == (0, 0)
    assert (retry.sent, retry.failed) == (1, 0)
    subjects = sorted(m.subject.split(": ")[1].split(" ")[0] for m in mail.outbox)
    assert subjects == ["INV-A", "INV-B"]
    assert Reminder.objects.filter(status=ReminderStatus.PENDING).count() == 0
    assert Reminder.objects.get(attempts=2).last_error == ""


def test_a_reminder_that_keeps_failing_stops_after_the_maximum(customer, monkeypatch, settings):
    settings.REMINDER_MAX_ATTEMPTS = 2
    overdue(2, today=TODAY, customer=customer)
    reminders.reminders_create_due(today=TODAY)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(mail.EmailMessage, "send", refuse)
    # Hourly runs for a day: each try waits longer than the last, then it stops.
    now = timezone.now()
    for hour in range(24):
        reminders.reminders_send_pending(now=now + dt.timedelta(hours=hour))

    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts) == (ReminderStatus.FAILED, 2)
    assert "SMTP down" in reminder.last_error
    assert list(reminders.reminder_list(status="failed")) == [reminder]


def test_a_customer_without_email_is_marked_and_the_salesperson_asked_to_call(salesperson):
    customer = CustomerFactory(salesperson=salesperson)
    ContactFactory(customer=customer, email="")
    overdue(5, today=TODAY, customer=customer)
    reminders.reminders_create_due(today=TODAY)

    result = reminders.reminders_send_pending()

    assert (result.sent, result.no_email) == (0, 1)
    assert mail.outbox == []
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.email) == (ReminderStatus.SENT, "")
    notice = Notice.objects.get(recipient=salesperson)
    assert notice.kind == reminders.NO_EMAIL_KIND
    assert "call" in notice.text


def test_the_primary_contacts_address_is_used_else_any_contacts(salesperson):
    customer = CustomerFactory(salesperson=salesperson)
    ContactFactory(customer=customer, name="A", email="", is_primary=True)
    ContactFactory(customer=customer, name="B", email="b@x.example", is_primary=False)

    assert reminders.customer_email(customer) == "b@x.example"


def test_an_invoice_paid_before_sending_is_not_chased(customer):
    invoice = overdue(5, today=TODAY, customer=customer)
    reminders.reminders_create_due(today=TODAY)
    invoice.paid_amount = invoice.amount
    invoice.status = InvoiceStatus.PAID
    invoice.save()

    result = reminders.reminders_send_pending()

    assert (result.sent, result.dropped) == (0, 1)
    assert mail.outbox == []
    assert not Reminder.objects.exists()


def test_managers_get_one_summary_a_day_with_email(customer, manager):
    manager.email = "boss@company.example"
    manager.save()
    overdue(5, today=TODAY, customer=customer)
    reminders.reminders_create_due(today=TODAY)
    reminders.reminders_send_pending()

    assert reminders.reminders_daily_summary(today=TODAY) == 1
    assert reminders.reminders_daily_summary(today=TODAY) == 0

    notice = Notice.objects.get(recipient=manager, kind=reminders.SUMMARY_KIND)
    assert "1 sent to 1 customers" in notice.text
    [summary] = [m for m in mail.outbox if m.to == ["boss@company.example"]]
    assert customer.code in summary.body


def test_no_summary_when_nothing_was_sent(manager):
    assert reminders.reminders_daily_summary(today=TODAY) == 0
    assert not Notice.objects.exists()


# --- Two senders at once ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_each_reminder_once(customer, monkeypatch):
    # Rendering the letter is not what races; keep the threads quick.
    monkeypatch.setattr(reminders, "render_pdf", lambda *a, **k: b"%PDF-1.7 test")
    for days in range(1, 9):
        overdue(days, today=TODAY, customer=customer)
    reminders.reminders_create_due(today=TODAY)

    outcomes = run_together(lambda i: reminders.reminders_send_pending(), n=4)

    assert [kind for kind, _r in outcomes] == ["ok"] * 4
    assert sum(result.sent for _k, result in outcomes) == 8
    assert len(mail.outbox) == 8
    assert len({m.subject for m in mail.outbox}) == 8
    assert Reminder.objects.filter(status=ReminderStatus.SENT).count() == 8


# --- Redis down -------------------------------------------------------------------


def test_publishing_to_a_dead_broker_returns_quickly_and_leaves_the_row_pending(customer, settings):
    from finance.tasks import enqueue, send_reminders

    overdue(5, today=TODAY, customer=customer)
    reminders.reminders_create_due(today=TODAY)
    # A port nothing listens on: connection refused, as when Redis is down.
    with real_broker("redis://127.0.0.1:1/0"):
        started = time.monotonic()
        published = enqueue(send_reminders)
        elapsed = time.monotonic() - started

    assert published is False
    assert elapsed < 5
    assert Reminder.objects.get().status == ReminderStatus.PENDING


# --- Pages ------------------------------------------------------------------------------


def _sent_reminders(customer, n):
    sent_reminders(
        customer,
        n,
        today=TODAY,
        email="wang@qiantang.example",
        sent_at=dt.datetime(2026, 6, 15, 9, tzinfo=dt.UTC),
    )


def _page_with_reminders(customer, n, client, url, max_queries, assert_max_num_queries):
    """``url`` shown with ``n`` reminders sent: the answer and how many queries it took."""
    Reminder.objects.all().delete()
    _sent_reminders(customer, n)
    with assert_max_num_queries(max_queries) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(captured.captured_queries)


def test_the_customer_page_lists_the_reminders_sent_in_flat_queries(
    customer, clerk, client_for, django_assert_max_num_queries
):
    client = client_for(clerk)

    def load(n):
        response, queries = _page_with_reminders(
            customer, n, client, f"/customers/{customer.pk}/", 20, django_assert_max_num_queries
        )
        assert len(response.context["reminders"]) == n
        return queries

    assert load(3) == load(18)


def test_the_reminder_list_stays_flat_and_sends_now(
    customer, finance, client_for, django_assert_max_num_queries
):
    client = client_for(finance)

    def load(n):
        _, queries = _page_with_reminders(
            customer, n, client, "/finance/reminders/", 10, django_assert_max_num_queries
        )
        return queries

    assert load(3) == load(30)

    Reminder.objects.all().delete()
    Invoice.objects.update(status=InvoiceStatus.PAID, paid_amount=F("amount"))
    overdue(3, today=TODAY, customer=customer)
    reminders.reminders_create_due(today=TODAY)
    response = client.post("/finance/reminders/")  # eager in tests: sends in-process
    assert response.status_code == 302
    assert Reminder.objects.get().status == ReminderStatus.SENT


def test_the_letter_pdf_page(customer, manager, client_for):
    overdue(3, today=TODAY, customer=customer)
    reminders.reminders_create_due(today=TODAY)
    reminder = Reminder.objects.get()

    response = client_for(manager).get(f"/finance/reminders/{reminder.pk}/letter/")

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_daily_job_as_a_management_command(customer):
    from io import StringIO

    from django.core.management import call_command

    overdue(16, today=TODAY, customer=customer)
    out = StringIO()

    call_command("send_overdue_reminders", "--date", TODAY.isoformat(), stdout=out)

    assert "1 reminder(s) created; 1 e-mailed" in out.getvalue()
    assert Reminder.objects.get().status == ReminderStatus.SENT
