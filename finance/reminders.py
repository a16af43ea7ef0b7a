"""Overdue reminders (催款): a row first, then a sender that carries it out.

The daily job (``reminders_daily_job``: beat, ``manage.py send_overdue_reminders``)

1. creates the reminder rows in one INSERT … SELECT … ON CONFLICT DO NOTHING:
   every open invoice with money left gets the HIGHEST level it has reached
   (settings.REMINDER_LEVELS) unless that level, or a higher one, exists. An
   invoice first seen 20 days overdue gets level 2 only: the customer gets the
   letter that fits the debt, not a level-1 and a level-2 letter on one day.
2. sends the pending rows through finance/outbox.py: claim the row
   (committed as "sending"), render and e-mail the letter with the row's
   stable Message-ID, then mark it sent and tell the salesperson in one
   transaction. Two senders never claim the same row; a second run finds
   nothing pending; a crash between sending and marking resends the letter
   after OUTBOX_SENDING_TIMEOUT with the same Message-ID; a refused e-mail is
   retried with exponential backoff, then shown as failed with its reason.
   A customer without a contact e-mail is still marked sent (with no address)
   and the salesperson is told to chase by phone: the letter cannot be mailed
   later by the system, and the salesperson acting on it is the reminder.
3. tells the managers once a day what was sent (a notice and an e-mail).

Because the rows are in the database, a lost Celery message or a Redis outage
delays sending only until the next run (the daily job always sends, and beat
runs a catch-up sender every hour).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from customers.models import Customer
from finance.enums import InvoiceStatus, ReminderStatus
from finance.models import Reminder
from finance.outbox import Letter, message_id, send_pending
from notices import selectors as notice_selectors
from notices.models import Notice
from notices.services import notice_send
from salesadmin.clock import company_today
from salesadmin.db import search_filter
from salesadmin.decimal_input import parse_id
from salesadmin.money_docs import company_letterhead
from salesadmin.pdf import money_text, render_pdf, rmb_capital

SUMMARY_KIND = "reminders_daily_summary"
SENT_KIND = "reminder_sent"
NO_EMAIL_KIND = "reminder_no_email"


def reminder_levels() -> list[tuple[int, int]]:
    """(level, days past due), fewest days first."""
    return sorted(settings.REMINDER_LEVELS, key=lambda pair: pair[1])


def customer_email(customer: Customer) -> str:
    """The address reminders and statements go to: the primary contact's, or
    else the first contact that has one. Uses prefetched contacts if present."""
    contacts = sorted(customer.contacts.all(), key=lambda c: (not c.is_primary, c.name, c.pk))
    return next((c.email for c in contacts if c.email), "")


# --- 1. Creating the rows -------------------------------------------------------


def reminders_create_due(*, today: dt.date | None = None) -> int:
    """Create the reminder rows due on ``today`` (company date); returns how many.

    Set-based, whatever the number of invoices: the highest level each invoice
    already has is copied into an indexed temporary table first, then one
    INSERT … SELECT … ON CONFLICT DO NOTHING adds the rows. (Anti-joining
    finance_reminder while inserting into it let the planner, misled by an
    empty table's statistics, rescan the growing table for every invoice:
    minutes instead of seconds over 100,000 invoices.)
    """
    today = today or company_today()
    levels = reminder_levels()
    if not levels:
        return 0
    # CASE WHEN days >= 30 THEN 3 WHEN days >= 15 THEN 2 WHEN days >= 1 THEN 1 END
    whens = " ".join("WHEN %s::date - i.due_date >= %s THEN %s" for _level in levels)
    case_params = [v for level, days in reversed(levels) for v in (today, days, level)]
    insert = f"""
        INSERT INTO finance_reminder
            (invoice_id, customer_id, level, days_overdue, open_amount,
             status, email, attempts, last_error, created_at)
        SELECT due.id, due.customer_id, due.level, due.days, due.open_amount,
               %s, '', 0, '', %s
        FROM (
            SELECT i.id, i.customer_id, %s::date - i.due_date AS days,
                   i.amount - i.paid_amount AS open_amount,
                   CASE {whens} END AS level
            FROM finance_invoice i
            WHERE i.status = %s
              AND i.paid_amount < i.amount
              AND i.due_date <= %s
        ) due
        LEFT JOIN reminded ON reminded.invoice_id = due.id
        -- Never a lower level after a higher one (a due date moved later).
        WHERE reminded.top IS NULL OR reminded.top < due.level
        ON CONFLICT (invoice_id, level) DO NOTHING
    """
    first_due = today - dt.timedelta(days=levels[0][1])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE reminded (invoice_id bigint PRIMARY KEY, top int NOT NULL) "
            "ON COMMIT DROP"
        )
        cursor.execute(
            "INSERT INTO reminded SELECT invoice_id, max(level) FROM finance_reminder "
            "GROUP BY invoice_id"
        )
        cursor.execute("ANALYZE reminded")
        cursor.execute(
            insert,
            [
                ReminderStatus.PENDING.value,
                timezone.now(),
                today,
                *case_params,
                InvoiceStatus.OPEN.value,
                first_due,
            ],
        )
        created = cursor.rowcount
        cursor.execute("DROP TABLE reminded")  # inside an outer transaction too
        return created


# --- 2. Sending them ------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0
    no_email: int = 0
    failed: int = 0
    dropped: int = 0  # settled before the letter went out

    @property
    def total(self) -> int:
        return self.sent + self.no_email


def letter_context(reminder: Reminder, *, today: dt.date | None = None) -> dict:
    """What the reminder letter prints (Chinese first, English beneath)."""
    today = today or company_today()
    invoice = reminder.invoice
    open_amount = invoice.amount - invoice.paid_amount
    return {
        "title": f"催款函 {invoice.number} L{reminder.level}",
        **company_letterhead(),
        "customer": reminder.customer,
        "level": reminder.level,
        "final": reminder.level >= max(level for level, _days in reminder_levels()),
        "today": today,
        "invoice": invoice,
        "days_overdue": max((today - invoice.due_date).days, 0),
        "amount": money_text(invoice.amount),
        "paid": money_text(invoice.paid_amount),
        "open": money_text(open_amount),
        "open_capital": rmb_capital(open_amount),
    }


def render_letter(reminder: Reminder) -> bytes:
    return render_pdf("pdf/reminder_letter.html", letter_context(reminder))


def _email_letter(reminder: Reminder, address: str) -> None:
    invoice = reminder.invoice
    context = letter_context(reminder)
    subject = (
        f"催款通知 Payment reminder: {invoice.number} "
        f"({context['open']} {context['currency']}, {context['days_overdue']} days overdue)"
    )
    body = (
        f"{reminder.customer.name}：\n\n"
        f"贵司发票 {invoice.number}（到期日 {invoice.due_date:%Y-%m-%d}）尚有 "
        f"{context['open']} 元未付，已逾期 {context['days_overdue']} 天，请尽快安排付款。"
        f"详见附件催款函。\n\n"
        f"Invoice {invoice.number}, due {invoice.due_date:%Y-%m-%d}, has "
        f"{context['open']} {context['currency']} unpaid and is "
        f"{context['days_overdue']} days overdue. Please see the attached letter.\n\n"
        f"{settings.COMPANY_NAME}\n{settings.COMPANY_PHONE}\n"
    )
    message = EmailMessage(
        subject=subject, body=body, to=[address], headers={"Message-ID": message_id(reminder)}
    )
    message.attach(
        f"reminder-{invoice.number}-L{reminder.level}.pdf",
        render_pdf("pdf/reminder_letter.html", context),
        "application/pdf",
    )
    message.send()


def _notify_salesperson(reminder: Reminder, address: str) -> None:
    person = reminder.customer.salesperson
    if person is None:
        return
    params = {
        "level": reminder.level,
        "customer": reminder.customer.name,
        "invoice": reminder.invoice.number,
        "amount": money_text(reminder.open_amount),
        "days": reminder.days_overdue,
        "email": address,
    }
    if address:
        kind = SENT_KIND
        message = gettext_noop(
            "Overdue reminder (level %(level)s) e-mailed to %(customer)s at %(email)s: "
            "invoice %(invoice)s, %(amount)s open, %(days)s days overdue."
        )
    else:
        kind = NO_EMAIL_KIND
        message = gettext_noop(
            "Overdue reminder (level %(level)s) for %(customer)s could not be e-mailed: "
            "no contact has an e-mail address. Please call them about invoice %(invoice)s, "
            "%(amount)s open, %(days)s days overdue."
        )
    notice_send(
        recipients=[person],
        kind=kind,
        message=message,
        params=params,
        link=reverse("customers:detail", args=[reminder.customer_id]),
    )


def _send_letter(reminder: Reminder) -> str:
    """Outside any transaction: e-mail the claimed reminder (finance/outbox.py).
    Returns "sent", "no_email" or "dropped" (invoice settled meanwhile)."""
    invoice = reminder.invoice
    if invoice.status != InvoiceStatus.OPEN or invoice.paid_amount >= invoice.amount:
        return "dropped"
    today = company_today()
    reminder.open_amount = invoice.amount - invoice.paid_amount
    reminder.days_overdue = max((today - invoice.due_date).days, 0)
    reminder.email = customer_email(reminder.customer)
    if reminder.email:
        _email_letter(reminder, reminder.email)
    return "sent" if reminder.email else "no_email"


def _mark_sent(reminder: Reminder, outcome: str) -> None:
    """In the marking transaction: the row and the salesperson's notice, once."""
    if outcome == "dropped":
        # Paid or voided since the row was made: nothing to chase. Deleting the
        # row lets a reopened invoice be reminded again.
        reminder.delete()
        return
    _notify_salesperson(reminder, reminder.email)
    reminder.status = ReminderStatus.SENT
    reminder.last_error = ""
    reminder.next_attempt_at = None
    reminder.sent_at = timezone.now()
    reminder.save(
        update_fields=[
            "status",
            "email",
            "last_error",
            "next_attempt_at",
            "sent_at",
            "open_amount",
            "days_overdue",
        ]
    )


def _load(reminder: Reminder) -> Reminder:
    return (
        Reminder.objects.select_related("invoice", "customer__salesperson")
        .prefetch_related("customer__contacts")
        .get(pk=reminder.pk)
    )


LETTER = Letter(model=Reminder, send=_send_letter, mark=_mark_sent, load=_load)


def reminders_send_pending(*, limit: int | None = None, now=None) -> SendResult:
    """Send every due reminder, each claimed, e-mailed and marked on its own
    (finance/outbox.py); safe to run any number of times, from several
    workers at once, and after a crash."""
    return send_pending(LETTER, SendResult(), limit=limit, now=now)


def reminders_retry_failed() -> int:
    """Finance's "try the failed ones again", once the address or the mail
    server is fixed: failed reminders are pending again with fresh tries (the
    last error stays until one goes out). Returns how many."""
    return Reminder.objects.filter(status=ReminderStatus.FAILED).update(
        status=ReminderStatus.PENDING, attempts=0, next_attempt_at=None
    )


# --- 3. The managers' daily summary ----------------------------------------------


def reminders_daily_summary(*, today: dt.date | None = None) -> int:
    """Tell the managers, once per company day, what reminders went out since
    the last summary. Returns how many managers were told (0 when nothing was
    sent or today's summary exists)."""
    today = today or company_today()
    with transaction.atomic():
        # Two daily jobs at once: the second waits here, then sees the first's summary.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [SUMMARY_KIND])
        if Notice.objects.filter(kind=SUMMARY_KIND, params__date=today.isoformat()).exists():
            return 0
        last = Notice.objects.filter(kind=SUMMARY_KIND).order_by("-created_at").first()
        since = dt.datetime.fromisoformat(last.params["until"]) if last else None
        until = timezone.now()
        sent = Reminder.objects.filter(status=ReminderStatus.SENT, sent_at__lte=until)
        if since:
            sent = sent.filter(sent_at__gt=since)
        rows = list(sent.select_related("customer", "invoice").order_by("customer__code", "level"))
        if not rows:
            return 0
        no_email = sum(1 for r in rows if not r.email)
        total = sum((r.open_amount for r in rows), start=Decimal("0.00"))
        params = {
            "date": today.isoformat(),
            "until": until.isoformat(),
            "count": len(rows),
            "customers": len({r.customer_id for r in rows}),
            "no_email": no_email,
            "amount": money_text(total),
        }
        message = gettext_noop(
            "Overdue reminders today: %(count)s sent to %(customers)s customers "
            "(%(no_email)s without e-mail, chase by phone), %(amount)s open."
        )
        # The managers are whoever may set or release a credit hold.
        managers = list(notice_selectors.managers().order_by("pk"))
        notice_send(
            recipients=managers,
            kind=SUMMARY_KIND,
            message=message,
            params=params,
            link=reverse("finance:reminder_list"),
        )
        addresses = [m.email for m in managers if m.email]
        if addresses:
            lines = [
                f"{r.customer.code} {r.customer.name}  {r.invoice.number}  L{r.level}  "
                f"{money_text(r.open_amount)}  {r.days_overdue}d  {r.email or '(no e-mail)'}"
                for r in rows
            ]
            EmailMessage(
                subject=f"催款日报 Overdue reminders {today:%Y-%m-%d}: {len(rows)}",
                body=(message % params) + "\n\n" + "\n".join(lines) + "\n",
                to=addresses,
                # One summary a day: a rerun after a crash before COMMIT resends
                # the same message, which the mail system shows once.
                headers={"Message-ID": _summary_message_id(today)},
            ).send()
        return len(managers)


def _summary_message_id(today: dt.date) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "salesadmin.invalid"
    return f"<reminders-summary-{today:%Y%m%d}@{domain}>"


@dataclass
class DailyResult:
    created: int
    send: SendResult
    managers_told: int


def reminders_daily_job(*, today: dt.date | None = None) -> DailyResult:
    """Create today's reminders, send everything pending, tell the managers."""
    created = reminders_create_due(today=today)
    send = reminders_send_pending()
    told = reminders_daily_summary(today=today)
    return DailyResult(created=created, send=send, managers_told=told)


# --- Reads ----------------------------------------------------------------------


def reminder_list(
    *, status: str = "", level: str = "", search: str = "", customer_id: int | None = None
) -> QuerySet[Reminder]:
    qs = Reminder.objects.select_related("invoice", "customer")
    if status:
        qs = qs.filter(status=status)
    if parse_id(level) is not None:
        qs = qs.filter(level=parse_id(level))
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    qs = search_filter(qs, search, "customer__name", "customer__code", "invoice__number")
    return qs.order_by("-created_at", "-id")


def customer_reminders(*, customer_id: int, limit: int = 20) -> list[Reminder]:
    """The reminders sent to a customer, newest first (the customer page)."""
    return list(
        Reminder.objects.filter(customer_id=customer_id, status=ReminderStatus.SENT)
        .select_related("invoice")
        .order_by("-sent_at", "-id")[:limit]
    )
