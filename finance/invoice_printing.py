"""The printed invoice (销售发票 / 结算单): the delivery notes it bills, line by
line as loaded, its total in figures and words, what is paid and open, and
where to pay. Chinese with English, like the other printed documents.

It is the company's own invoice; the tax invoice (增值税发票) is issued by the
tax system and its number recorded on the invoice (``official_number``)."""

from __future__ import annotations

from django.db.models import Prefetch

from finance.enums import InvoiceStatus
from finance.models import Invoice, InvoiceItem
from inventory.enums import PRINTED_UNIT_LABELS
from orders.models import DeliveryNoteLine
from salesadmin.decimal_input import round_money
from salesadmin.money_docs import company_letterhead
from salesadmin.pdf import money_text, quantity_text, render_pdf

STATUS_LABELS = {
    InvoiceStatus.OPEN: "未结清 Open",
    InvoiceStatus.PAID: "已结清 Paid",
    InvoiceStatus.VOID: "已作废 Void",
}


def invoice_for_print(pk: int) -> Invoice:
    """The invoice with its live notes and their lines, in three queries."""
    lines = DeliveryNoteLine.objects.select_related("product").order_by("id")
    items = (
        InvoiceItem.objects.filter(active=True)
        .select_related("delivery_note")
        .prefetch_related(Prefetch("delivery_note__lines", queryset=lines))
        .order_by("delivery_note__dispatched_at", "id")
    )
    return (
        Invoice.objects.select_related("customer")
        .prefetch_related(Prefetch("items", queryset=items))
        .get(pk=pk)
    )


def _note_rows(item: InvoiceItem) -> dict:
    note = item.delivery_note
    return {
        "number": note.number,
        "dispatched": note.dispatched_at,
        "vehicle_plate": note.vehicle_plate,
        "amount": money_text(item.amount),
        "lines": [
            {
                "product": line.product.name,
                "specification": line.product.specification,
                "quantity": quantity_text(line.actual_quantity),
                "unit": PRINTED_UNIT_LABELS.get(line.product.unit, line.product.unit),
                "unit_price": money_text(line.unit_price),
                "amount": money_text(round_money(line.actual_quantity * line.unit_price)),
            }
            for line in note.lines.all()
            if line.actual_quantity is not None
        ],
    }


def invoice_pdf_context(invoice: Invoice) -> dict:
    from salesadmin.pdf import rmb_capital

    return {
        # PDF metadata: the number only, never the customer or an amount.
        "title": f"发票 {invoice.number}",
        "ref": invoice.number,
        **company_letterhead(),
        "invoice": invoice,
        "customer": invoice.customer,
        "status": STATUS_LABELS.get(invoice.status, invoice.status),
        "void": invoice.status == InvoiceStatus.VOID,
        "notes": [_note_rows(item) for item in invoice.items.all()],
        "amount": money_text(invoice.amount),
        "amount_capital": rmb_capital(invoice.amount),
        "paid": money_text(invoice.paid_amount),
        "open": money_text(invoice.amount - invoice.paid_amount),
    }


def render_invoice(invoice: Invoice) -> bytes:
    return render_pdf("pdf/invoice.html", invoice_pdf_context(invoice))


def invoice_filename(invoice: Invoice) -> str:
    return f"invoice-{invoice.number}.pdf"
