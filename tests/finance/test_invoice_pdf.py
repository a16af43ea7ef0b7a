"""The printed invoice (销售发票): Chinese and English, the notes it bills line
by line as loaded, its figures those of the invoice; finance and managers may
print it (page and API), a clerk's role without the permission may not."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from PIL import Image

from customers.enums import CreditTerms
from finance.invoice_printing import invoice_for_print, invoice_pdf_context, render_invoice
from finance.models import InvoiceItem
from tests.factories import CustomerFactory
from tests.pdf_tools import poppler

pytestmark = pytest.mark.django_db


def _invoiced_note(chain, finance):
    from finance.services import payment_record

    customer = CustomerFactory(credit_terms=CreditTerms.PREPAID, name="安吉县预付客户有限公司")
    payment_record(customer=customer, amount="1000.00", user=finance)
    note = chain.dispatched(chain.stamped(chain.note(chain.order(("10",), customer=customer))))
    return InvoiceItem.objects.get(delivery_note=note, active=True).invoice, note


def test_the_invoice_prints_its_notes_and_figures_in_chinese(chain, finance, tmp_path: Path):
    invoice, note = _invoiced_note(chain, finance)

    path = tmp_path / "inv.pdf"
    path.write_bytes(render_invoice(invoice_for_print(invoice.pk)))
    text = poppler("pdftotext", "-layout", str(path), "-")

    line = note.lines.get()
    for words in (
        "销售发票",
        "Invoice",
        invoice.number,
        note.number,
        note.vehicle_plate,
        "安吉县预付客户有限公司",
        line.product.name,
        f"{invoice.amount:,.2f}",
        f"{line.unit_price:,.2f}",
        "已结清 Paid",  # prepaid: the money was in before the goods left
    ):
        assert words in text, words
    assert invoice.amount == note.actual_value > Decimal("0")
    assert "CJK" in poppler("pdffonts", str(path)) or "Noto" in poppler("pdffonts", str(path))

    poppler("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(tmp_path / "p"))
    [png] = sorted(tmp_path.glob("p*.png"))
    assert sum(Image.open(png).convert("L").histogram()[:128]) > 2000  # ink, not a blank page


def test_reading_the_invoice_to_print_costs_three_queries(
    chain, finance, django_assert_num_queries
):
    invoice, _ = _invoiced_note(chain, finance)
    with django_assert_num_queries(3):  # invoice + customer, items + notes, lines + products
        context = invoice_pdf_context(invoice_for_print(invoice.pk))
    assert [len(note["lines"]) for note in context["notes"]] == [1]


def test_finance_prints_it_from_the_page_and_the_api_a_keeper_may_not(chain, finance):
    invoice, _ = _invoiced_note(chain, finance)
    client = Client()
    client.force_login(finance)

    page = client.get(f"/finance/invoices/{invoice.pk}/pdf/")
    api = client.get(f"/api/v1/invoices/{invoice.pk}/pdf/")
    detail = client.get(f"/finance/invoices/{invoice.pk}/")

    assert page.status_code == api.status_code == 200
    assert page["Content-Type"] == api["Content-Type"] == "application/pdf"
    assert page.content.startswith(b"%PDF") and api.content.startswith(b"%PDF")
    assert f"/finance/invoices/{invoice.pk}/pdf/" in detail.content.decode()
    assert client.get("/finance/invoices/999999/pdf/").status_code == 404
    assert client.get("/api/v1/invoices/999999/pdf/").status_code == 404

    keeper = Client()
    keeper.force_login(chain.keeper)
    assert keeper.get(f"/finance/invoices/{invoice.pk}/pdf/").status_code == 403
    assert keeper.get(f"/api/v1/invoices/{invoice.pk}/pdf/").status_code == 403
