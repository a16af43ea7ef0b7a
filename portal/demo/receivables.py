"""The demo's receivables history (issue 4): past months' deliveries carried
along the whole chain, the invoicing runs, payments and the overdue check, so
that invoices, aging, holds and the dashboard have something to show."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

from django.utils import timezone as tz

from customers.enums import CreditTerms
from customers.models import Customer
from finance.credit import credit_holds_review
from finance.invoicing import invoice_period, invoices_issue_due
from finance.models import Invoice, ReceivableEntry
from finance.services import payment_record
from inventory.models import Batch
from inventory.services import production_receipt_record
from orders.enums import OrderStatus
from orders.services.delivery_notes import IssueLine, delivery_note_issue, delivery_note_stamp
from orders.services.dispatch import Allocation, DispatchLine, delivery_note_dispatch
from orders.services.exit_pass import exit_pass_use
from orders.services.sales_orders import (
    LineInput,
    sales_order_approve,
    sales_order_create,
    sales_order_submit,
)
from portal.demo.catalogue import CYLINDER_WAREHOUSE, OPENING_STOCK_NOTE
from reports.rollup import sales_rollup
from salesadmin.clock import add_months, company_today

RECEIVABLES_MARKER = "DEMO-RCV-PREPAY"  # the bank reference that says it is loaded
RECEIVABLES_PRODUCT = "CYL-N2-40L"
RECEIVABLES_BATCH = "DEMO-N2-HISTORY"


@contextmanager
def _as_of(day: dt.date):
    """Run the services as if it were ``day`` at 10:00 (company time zone), so
    past deliveries, invoices and payments carry their own dates and times.
    Demo history only: the real services always use the real clock."""
    real_now = tz.now
    moment = tz.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    tz.now = lambda: moment
    try:
        yield
    finally:
        tz.now = real_now


def demo_receivables(command, users: dict, products: dict, warehouses: dict) -> None:
    """Three months of history: monthly customers invoiced for each month (one,
    C0014, more than a month overdue and so put on hold by the overdue check),
    a quarterly customer invoiced after the quarter and paid, a prepaid customer
    whose prepayment paid the invoice made at dispatch. Loaded once."""
    if ReceivableEntry.objects.filter(reference=RECEIVABLES_MARKER).exists():
        command._report("Receivables history", Invoice.objects.count(), 0)
        return
    today = company_today()
    m0 = today.replace(day=1)
    m1, m2, m3 = (add_months(m0, -n) for n in (1, 2, 3))
    quarter_start, quarter_end = invoice_period(CreditTerms.QUARTERLY, today)
    customers = Customer.objects.in_bulk(["C0003", "C0012", "C0014", "C0025"], field_name="code")
    product = products[RECEIVABLES_PRODUCT]
    warehouse = warehouses[CYLINDER_WAREHOUSE]
    clerk, finance, keeper = users["clerk"], users["finance"], users["keeper"]
    manager, guard = users["manager"], users["guard"]
    plates = iter(["浙E3A721", "浙E5K208", "浙E1B663", "浙A9C310", "浙E7D415", "浙E2F588"] * 3)

    def deliver(code: str, quantity: str, *, until: str = "exited") -> None:
        """An order for ``code`` carried along the chain as far as ``until``."""
        order = sales_order_create(
            user=clerk,
            customer=customers[code],
            lines=[LineInput(product=product, quantity=Decimal(quantity))],
        )
        order = sales_order_submit(order=order, user=clerk)
        if order.status == OrderStatus.SUBMITTED:
            order = sales_order_approve(order=order, user=manager, comment="demo")
        plate = next(plates)
        note = delivery_note_issue(
            order=order,
            user=clerk,
            warehouse=warehouse,
            lines=[IssueLine(order_line=ln, quantity=ln.quantity) for ln in order.lines.all()],
            vehicle_plate=plate,
            driver="王师傅",
        )
        if until == "issued":
            return
        note = delivery_note_stamp(note=note, user=finance)
        if until == "stamped":
            return
        batch = Batch.objects.get(product=product, number=RECEIVABLES_BATCH)
        lines = [
            DispatchLine(note_line=ln, allocations=[Allocation(batch=batch, quantity=ln.quantity)])
            for ln in note.lines.all()
        ]
        note = delivery_note_dispatch(note=note, user=keeper, lines=lines)
        if until == "dispatched":
            return
        exit_pass_use(raw=note.pass_code, user=guard, vehicle_plate=plate)

    def receive(day: dt.date) -> None:
        production_receipt_record(
            product=product,
            warehouse=warehouse,
            batch_number=RECEIVABLES_BATCH,
            produced_on=day,
            quantity=Decimal("300"),
            user=keeper,
            note=OPENING_STOCK_NOTE,
        )

    def pay(code: str, amount: str, reference: str) -> None:
        payment_record(customer=customers[code], amount=amount, user=finance, reference=reference)

    def pay_open(code: str, share: str, reference: str) -> None:
        open_invoice = (
            Invoice.objects.filter(customer=customers[code], status="open")
            .order_by("due_date")
            .first()
        )
        if open_invoice is not None:
            amount = (open_invoice.open_amount * Decimal(share)).quantize(Decimal("0.01"))
            pay(code, str(amount), reference)

    first_day = min(m3, quarter_start)
    events = [
        (first_day - dt.timedelta(days=10), lambda: receive(first_day - dt.timedelta(days=10))),
        (m3 + dt.timedelta(days=9), lambda: deliver("C0014", "24")),  # never paid
        (quarter_start + dt.timedelta(days=14), lambda: deliver("C0003", "40")),
        (m2 + dt.timedelta(days=4), lambda: deliver("C0012", "30")),
        (m2 + dt.timedelta(days=18), lambda: deliver("C0012", "16")),
        (m1 + dt.timedelta(days=1), lambda: pay("C0025", "3000.00", RECEIVABLES_MARKER)),
        (m1 + dt.timedelta(days=4), lambda: deliver("C0025", "20")),  # paid from prepayment
        (m1 + dt.timedelta(days=6), lambda: deliver("C0012", "12")),
        (m1 + dt.timedelta(days=13), lambda: deliver("C0014", "10")),
        (m1 + dt.timedelta(days=19), lambda: pay_open("C0012", "0.6", "DEMO-RCV-0012")),
        (m1 + dt.timedelta(days=21), lambda: pay_open("C0003", "1", "DEMO-RCV-0003")),
    ]
    # The last two weeks' trucks (the dashboard's trend and rankings), and
    # today's notes waiting at each step of the chain (each role's queue).
    events += [
        (today - dt.timedelta(days=12), lambda: deliver("C0003", "8")),
        (today - dt.timedelta(days=9), lambda: deliver("C0012", "6")),
        (today - dt.timedelta(days=6), lambda: deliver("C0003", "10")),
        (today - dt.timedelta(days=3), lambda: deliver("C0012", "5")),
        (today - dt.timedelta(days=1), lambda: deliver("C0003", "6")),
        (today, lambda: deliver("C0003", "4")),
        (today, lambda: deliver("C0003", "3", until="dispatched")),
        (today, lambda: deliver("C0012", "2", until="stamped")),
        (today, lambda: deliver("C0003", "5", until="issued")),
    ]
    # The invoicing job on the first of each month (and after the quarter).
    for day in sorted({m2, m1, m0, quarter_end + dt.timedelta(days=1)}):
        events.append((day, lambda day=day: invoices_issue_due(today=day)))
    for day, action in sorted(events, key=lambda e: e[0]):
        if day > today:
            continue
        with _as_of(day):
            action()
    held, _lifted = credit_holds_review(today=today)
    sales_rollup(today=today)  # what the nightly job would have written
    command._report(
        "Receivables history: invoices", Invoice.objects.count(), Invoice.objects.count()
    )
    command.stdout.write(f"Put on hold by the overdue check: {held}")
