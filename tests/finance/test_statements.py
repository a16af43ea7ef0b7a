"""Month-end statements (对账单): balances that agree with the ledger, one row
per customer and month, sent once, PDFs that print Chinese."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection

from finance import statements
from finance.enums import EntryKind, PaymentMethod, StatementStatus
from finance.models import ReceivableEntry, Statement
from tests.factories import ContactFactory, CustomerFactory
from tests.pdf_tools import pdf_text

pytestmark = pytest.mark.django_db

MAY_1, MAY_31 = dt.date(2026, 5, 1), dt.date(2026, 5, 31)


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def book(customer, kind, amount, day, reference="", note=""):
    amount = Decimal(amount)
    return ReceivableEntry.objects.create(
        customer=customer,
        kind=kind,
        amount=amount if kind == EntryKind.CHARGE else -amount,
        entry_date=day,
        method=PaymentMethod.BANK_TRANSFER if kind == EntryKind.PAYMENT else "",
        reference=reference,
        note=note,
    )


def ledger_balance_sql(customer_id: int, up_to: dt.date) -> Decimal:
    """The ledger's balance on a day, summed by plain SQL (not by the code under test)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(amount), 0) FROM finance_receivableentry "
            "WHERE customer_id = %s AND entry_date <= %s",
            [customer_id, up_to],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def customer():
    customer = CustomerFactory(name="安吉竹海化工有限公司", code="ZH01")
    ContactFactory(customer=customer, name="李出纳", email="li@zhuhai.example")
    book(customer, EntryKind.CHARGE, "5000.00", dt.date(2026, 4, 10), reference="DN2026-000001")
    book(customer, EntryKind.PAYMENT, "2000.00", dt.date(2026, 4, 20), reference="BANK-A")
    book(customer, EntryKind.CHARGE, "1234.56", dt.date(2026, 5, 3), reference="DN2026-000007")
    book(customer, EntryKind.PAYMENT, "3000.00", MAY_31, reference="BANK-B")
    book(customer, EntryKind.CREDIT_NOTE, "100.50", dt.date(2026, 5, 20), note="退货 return")
    book(customer, EntryKind.CHARGE, "777.00", dt.date(2026, 6, 1), reference="DN2026-000009")
    return customer


def test_opening_movements_and_closing_agree_with_the_ledger(customer):
    data = statements.statement_for(customer=customer, period_start=MAY_1, period_end=MAY_31)

    assert data.opening == Decimal("3000.00")
    assert data.opening == ledger_balance_sql(customer.pk, MAY_1 - dt.timedelta(days=1))
    assert data.closing == ledger_balance_sql(customer.pk, MAY_31)
    assert data.closing == Decimal("1134.06")
    assert data.opening + sum(m.entry.amount for m in data.movements) == data.closing
    assert data.opening + data.charges - data.payments - data.credit_notes == data.closing
    # Every movement of the period, in date order, with its document.
    assert [(m.entry.entry_date.day, m.document) for m in data.movements] == [
        (3, "DN2026-000007"),
        (20, "退货 return"),
        (31, "BANK-B"),
    ]
    assert [m.balance for m in data.movements] == [
        Decimal("4234.56"),
        Decimal("4134.06"),
        Decimal("1134.06"),
    ]


def test_any_period_on_demand(customer):
    data = statements.statement_for(
        customer=customer, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31)
    )
    assert data.opening == 0
    assert len(data.movements) == 6
    assert data.closing == ledger_balance_sql(customer.pk, dt.date(2026, 12, 31))


def test_the_monthly_job_makes_one_statement_per_customer_with_a_balance_or_movements(customer):
    settled = CustomerFactory(code="SET")  # paid in full in April: nothing in May
    book(settled, EntryKind.CHARGE, "10.00", dt.date(2026, 4, 1))
    book(settled, EntryKind.PAYMENT, "10.00", dt.date(2026, 4, 2))
    moved = CustomerFactory(code="MOV")  # zero at the end of May, but moved in it
    book(moved, EntryKind.CHARGE, "10.00", dt.date(2026, 5, 1))
    book(moved, EntryKind.PAYMENT, "10.00", dt.date(2026, 5, 2), reference="MOV-1")
    CustomerFactory(code="NONE")

    assert statements.statements_create_for_month(period_start=MAY_1) == 2
    assert statements.statements_create_for_month(period_start=MAY_1) == 0

    rows = {s.customer.code: s for s in Statement.objects.select_related("customer")}
    assert set(rows) == {"ZH01", "MOV"}
    zh = rows["ZH01"]
    assert (zh.period_start, zh.period_end) == (MAY_1, MAY_31)
    assert zh.opening_balance == Decimal("3000.00")
    assert zh.closing_balance == ledger_balance_sql(customer.pk, MAY_31)
    assert (rows["MOV"].opening_balance, rows["MOV"].closing_balance) == (0, 0)


def test_last_month_by_default(monkeypatch, customer):
    monkeypatch.setattr(statements, "company_today", lambda: dt.date(2026, 6, 1))

    assert statements.last_month() == (MAY_1, MAY_31)
    statements.statements_create_for_month()
    assert Statement.objects.get(customer=customer).period_end == MAY_31


def test_statements_are_emailed_once_and_no_email_is_marked(customer):
    silent = CustomerFactory(code="SIL")
    book(silent, EntryKind.CHARGE, "50.00", dt.date(2026, 5, 5))
    statements.statements_create_for_month(period_start=MAY_1)

    first = statements.statements_send_pending()
    second = statements.statements_send_pending()

    assert (first.sent, first.no_email, second.sent) == (1, 1, 0)
    [message] = mail.outbox
    assert message.to == ["li@zhuhai.example"]
    [(filename, pdf, _mime)] = message.attachments
    assert filename == "statement-ZH01-20260501-20260531.pdf"
    assert pdf.startswith(b"%PDF")
    assert Statement.objects.get(customer=customer).status == StatementStatus.SENT
    assert Statement.objects.get(customer=silent).status == StatementStatus.NO_EMAIL


def test_a_failed_send_stays_pending_and_is_retried(customer, monkeypatch):
    statements.statements_create_for_month(period_start=MAY_1)
    calls = []

    def flaky(message, *args, **kwargs):
        calls.append(message)
        if len(calls) == 1:
            raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(mail.EmailMessage, "send", flaky)

    assert statements.statements_send_pending().failed == 1
    statement = Statement.objects.get()
    assert (statement.status, statement.attempts) == (StatementStatus.PENDING, 1)
    assert statements.statements_send_pending().sent == 0  # waits (backoff)
    assert statements.statements_send_pending(now=statement.next_attempt_at).sent == 1
    assert Statement.objects.get().status == StatementStatus.SENT


def test_the_pdf_prints_chinese_and_the_balances(customer):
    data = statements.statement_for(customer=customer, period_start=MAY_1, period_end=MAY_31)

    text = pdf_text(statements.render_statement(data))

    assert "安吉竹海化工有限公司" in text
    assert "对账单" in text
    assert "3,000.00" in text  # opening
    assert "1,134.06" in text  # closing
    assert "DN2026-000007" in text
    assert "人民币壹仟壹佰叁拾肆元零陆分" in text


# --- Pages ----------------------------------------------------------------------------


def test_finance_gets_a_statement_for_any_period_and_its_pdf(customer, finance, client_for):
    client = client_for(finance)

    page = client.get(
        f"/finance/statements/customers/{customer.pk}/", {"from": "2026-05-01", "to": "2026-05-31"}
    )
    pdf = client.get(
        f"/finance/statements/customers/{customer.pk}/pdf/",
        {"from": "2026-05-01", "to": "2026-05-31"},
    )

    assert page.status_code == 200
    assert page.context["data"].closing == Decimal("1134.06")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_period_form_leads_to_the_customers_statement(customer, finance, client_for):
    response = client_for(finance).get(
        "/finance/statements/",
        {"customer": customer.pk, "date_from": "2026-05-01", "date_to": "2026-05-31"},
    )
    assert response.status_code == 302
    assert response["Location"] == (
        f"/finance/statements/customers/{customer.pk}/?from=2026-05-01&to=2026-05-31"
    )


def test_a_reversed_period_is_refused(customer, finance, client_for):
    response = client_for(finance).get(
        f"/finance/statements/customers/{customer.pk}/", {"from": "2026-05-31", "to": "2026-05-01"}
    )
    assert response.status_code == 404


def test_the_statement_list_stays_flat_in_queries(
    finance, client_for, django_assert_max_num_queries
):
    client = client_for(finance)

    def load(n):
        for _i in range(n):
            c = CustomerFactory()
            book(c, EntryKind.CHARGE, "10.00", dt.date(2026, 5, 2))
        Statement.objects.all().delete()
        statements.statements_create_for_month(period_start=MAY_1)
        with django_assert_max_num_queries(10) as captured:
            assert client.get("/finance/statements/").status_code == 200
        return len(captured.captured_queries)

    assert load(3) == load(27)
