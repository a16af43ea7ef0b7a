"""Month-end statements (对账单): opening balance, every ledger movement of the
period, closing balance, for any customer and period.

The figures always come from the receivable ledger (``ReceivableEntry``): the
opening balance is the sum of the entries dated before the period, the
closing balance the opening plus the period's entries. A ``Statement`` row is
the record that a month's statement is owed to a customer and whether it went
out; the monthly job makes one for every customer with a balance or movements
last month and a sender e-mails them (pending → sending → sent, or no_email
when no contact has an address) through finance/outbox.py, like reminders:
claimed before sending, a stable Message-ID, backoff, then failed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from finance.enums import EntryKind, StatementStatus
from finance.models import ReceivableEntry, Statement
from finance.outbox import Letter, message_id, send_pending
from finance.reminders import customer_email
from salesadmin.clock import company_today
from salesadmin.db import search_filter
from salesadmin.errors import ApplicationError
from salesadmin.money_docs import company_letterhead
from salesadmin.pdf import money_text, render_pdf, rmb_capital

ZERO = Decimal("0.00")


def last_month(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day of the month before ``today``'s."""
    today = today or company_today()
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


@dataclass
class Movement:
    entry: ReceivableEntry
    balance: Decimal  # after this entry

    @property
    def document(self) -> str:
        """The charged note's number, the payment's bank reference, or the note."""
        entry = self.entry
        if entry.kind == EntryKind.CHARGE and entry.delivery_note_id:
            return entry.delivery_note.number or entry.reference
        return entry.reference or entry.note

    @property
    def debit(self) -> Decimal | None:
        return self.entry.amount if self.entry.amount > 0 else None

    @property
    def credit(self) -> Decimal | None:
        return -self.entry.amount if self.entry.amount < 0 else None


@dataclass
class StatementData:
    customer: Customer
    period_start: dt.date
    period_end: dt.date
    opening: Decimal
    movements: list[Movement] = field(default_factory=list)

    @property
    def charges(self) -> Decimal:
        return sum(
            (m.entry.amount for m in self.movements if m.entry.kind == EntryKind.CHARGE), ZERO
        )

    @property
    def refunds(self) -> Decimal:
        return sum(
            (m.entry.amount for m in self.movements if m.entry.kind == EntryKind.REFUND), ZERO
        )

    @property
    def payments(self) -> Decimal:
        return -sum(
            (m.entry.amount for m in self.movements if m.entry.kind == EntryKind.PAYMENT), ZERO
        )

    @property
    def credit_notes(self) -> Decimal:
        return -sum(
            (m.entry.amount for m in self.movements if m.entry.kind == EntryKind.CREDIT_NOTE),
            ZERO,
        )

    @property
    def closing(self) -> Decimal:
        return self.movements[-1].balance if self.movements else self.opening


def statement_for(
    *, customer: Customer, period_start: dt.date, period_end: dt.date
) -> StatementData:
    """The statement of ``customer`` for the period (both days included)."""
    if period_end < period_start:
        raise ApplicationError(
            _("The period must end on or after its first day."), code="invalid_period"
        )
    ledger = ReceivableEntry.objects.filter(customer=customer)
    opening = ledger.filter(entry_date__lt=period_start).aggregate(s=Sum("amount"))["s"] or ZERO
    entries = (
        ledger.filter(entry_date__gte=period_start, entry_date__lte=period_end)
        .select_related("delivery_note")
        .order_by("entry_date", "id")
    )
    balance = opening
    movements = []
    for entry in entries:
        balance += entry.amount
        movements.append(Movement(entry=entry, balance=balance))
    return StatementData(
        customer=customer,
        period_start=period_start,
        period_end=period_end,
        opening=opening,
        movements=movements,
    )


KIND_LABELS_ZH = {
    EntryKind.CHARGE: "发货 Charge",
    EntryKind.PAYMENT: "到款 Payment",
    EntryKind.CREDIT_NOTE: "贷项 Credit note",
    EntryKind.REFUND: "退款 Refund",
}


def pdf_context(data: StatementData) -> dict:
    customer = data.customer
    return {
        "title": f"对账单 {customer.code} {data.period_start:%Y-%m-%d}~{data.period_end:%Y-%m-%d}",
        "ref": f"对账单 {customer.code} {data.period_start:%Y-%m}",
        **company_letterhead(),
        "customer": customer,
        "period_start": data.period_start,
        "period_end": data.period_end,
        "today": company_today(),
        "opening": money_text(data.opening),
        "closing": money_text(data.closing),
        "closing_capital": rmb_capital(data.closing),
        "charges": money_text(data.charges),
        "payments": money_text(data.payments),
        "credit_notes": money_text(data.credit_notes),
        "refunds": money_text(data.refunds) if data.refunds else "",
        "rows": [
            {
                "date": m.entry.entry_date,
                "kind": KIND_LABELS_ZH.get(m.entry.kind, m.entry.kind),
                "document": m.document,
                "note": m.entry.note if m.document != m.entry.note else "",
                "debit": money_text(m.debit),
                "credit": money_text(m.credit),
                "balance": money_text(m.balance),
            }
            for m in data.movements
        ],
    }


def render_statement(data: StatementData) -> bytes:
    return render_pdf("pdf/statement.html", pdf_context(data))


def statement_filename(data: StatementData) -> str:
    return f"statement-{data.customer.code}-{data.period_start:%Y%m%d}-{data.period_end:%Y%m%d}.pdf"


# --- The monthly job ---------------------------------------------------------------


def statements_create_for_month(*, period_start: dt.date | None = None) -> int:
    """A pending statement for every customer with a non-zero closing balance or
    any movement in the month (last month by default). One INSERT … SELECT;
    a second run creates nothing."""
    if period_start is None:
        period_start, period_end = last_month()
    else:
        period_start = period_start.replace(day=1)
        period_end = (period_start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    sql = """
        INSERT INTO finance_statement
            (customer_id, period_start, period_end, opening_balance, closing_balance,
             status, email, attempts, last_error, created_at)
        SELECT e.customer_id, %s, %s,
               COALESCE(SUM(e.amount) FILTER (WHERE e.entry_date < %s), 0),
               SUM(e.amount),
               %s, '', 0, '', %s
        FROM finance_receivableentry e
        WHERE e.entry_date <= %s
        GROUP BY e.customer_id
        HAVING SUM(e.amount) <> 0 OR COUNT(*) FILTER (WHERE e.entry_date >= %s) > 0
        ON CONFLICT (customer_id, period_start, period_end) DO NOTHING
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                period_start,
                period_end,
                period_start,
                StatementStatus.PENDING.value,
                timezone.now(),
                period_end,
                period_start,
            ],
        )
        return cursor.rowcount


@dataclass
class StatementSendResult:
    sent: int = 0
    no_email: int = 0
    failed: int = 0


def _send_statement(statement: Statement) -> str:
    """Outside any transaction: e-mail the claimed statement (finance/outbox.py)."""
    customer = statement.customer
    statement.email = customer_email(customer)
    if not statement.email:
        return "no_email"
    data = statement_for(
        customer=customer, period_start=statement.period_start, period_end=statement.period_end
    )
    context = pdf_context(data)
    message = EmailMessage(
        subject=(
            f"对账单 Statement {statement.period_start:%Y-%m}: {customer.name} "
            f"({context['closing']} {context['currency']})"
        ),
        body=(
            f"{customer.name}：\n\n附件为贵司 {statement.period_start:%Y-%m-%d} 至 "
            f"{statement.period_end:%Y-%m-%d} 的对账单，期末余额 {context['closing']} 元。"
            f"如有差异，请于十日内与我司财务联系。\n\n"
            f"Attached is your statement for {statement.period_start:%Y-%m-%d} to "
            f"{statement.period_end:%Y-%m-%d}; closing balance {context['closing']} "
            f"{context['currency']}. Please tell us of any difference within ten days.\n\n"
            f"{settings.COMPANY_NAME}\n{settings.COMPANY_PHONE}\n"
        ),
        to=[statement.email],
        headers={"Message-ID": message_id(statement)},
    )
    message.attach(
        statement_filename(data), render_pdf("pdf/statement.html", context), "application/pdf"
    )
    message.send()
    return "sent"


def _mark_sent(statement: Statement, outcome: str) -> None:
    statement.status = StatementStatus.SENT if outcome == "sent" else StatementStatus.NO_EMAIL
    statement.sent_at = timezone.now() if outcome == "sent" else None
    statement.last_error = ""
    statement.next_attempt_at = None
    statement.save(update_fields=["status", "email", "last_error", "next_attempt_at", "sent_at"])


def _load(statement: Statement) -> Statement:
    return (
        Statement.objects.select_related("customer")
        .prefetch_related("customer__contacts")
        .get(pk=statement.pk)
    )


LETTER = Letter(model=Statement, send=_send_statement, mark=_mark_sent, load=_load)


def statements_send_pending(*, limit: int | None = None, now=None) -> StatementSendResult:
    """E-mail every due statement, each claimed, sent and marked on its own
    (finance/outbox.py)."""
    return send_pending(LETTER, StatementSendResult(), limit=limit, now=now)


# --- Reads ----------------------------------------------------------------------------


def statement_list(
    *, status: str = "", period: str = "", search: str = "", customer_id: int | None = None
) -> QuerySet[Statement]:
    """Statement rows, newest period first. ``period`` is "YYYY-MM"."""
    qs = Statement.objects.select_related("customer")
    if status:
        qs = qs.filter(status=status)
    if period:
        try:
            start = dt.date.fromisoformat(f"{period}-01")
        except ValueError:
            start = None
        if start:
            qs = qs.filter(period_start=start)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    qs = search_filter(qs, search, "customer__name", "customer__code")
    return qs.order_by("-period_end", "customer__code")
