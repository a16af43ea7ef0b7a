"""Quotation pages: list with a filter, entry, detail showing only the allowed
actions, the actions through the page (wrong role 403; wrong state or broken
rule a message and no change), and the PDF."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from orders.models import SalesOrder
from sales.models import Quotation
from sales.services.quotations import QuotationLineInput, quotation_create, quotation_send
from salesadmin.clock import company_today
from tests.pdf_tools import pdf_text

pytestmark = pytest.mark.django_db


def _quote(chain, **kwargs):
    today = company_today()
    return quotation_create(
        user=chain.clerk,
        customer=kwargs.pop("customer", chain.customer),
        lines=[QuotationLineInput(product=chain.products[0], quantity=Decimal("4"))],
        valid_until=today + dt.timedelta(days=7),
        delivery_date=today + dt.timedelta(days=9),
        **kwargs,
    )


def test_list_filters_by_status(chain, client_for):
    draft, sent = _quote(chain), _quote(chain)
    quotation_send(quotation=sent, user=chain.clerk)
    page = client_for(chain.clerk).get("/sales/quotations/?status=sent")
    assert page.status_code == 200
    assert sent.number in page.content.decode() and draft.number not in page.content.decode()
    assert client_for(chain.keeper).get("/sales/quotations/").status_code == 403


def test_entry_form_creates_a_priced_draft_and_shows_errors(chain, client_for):
    client = client_for(chain.clerk)
    today = company_today()
    base = {
        "valid_until": str(today + dt.timedelta(days=5)),
        "delivery_date": str(today + dt.timedelta(days=6)),
        "line-TOTAL_FORMS": "5",
        "line-INITIAL_FORMS": "0",
        "line-0-product": str(chain.products[1].pk),
        "line-0-quantity": "200",
    }
    refused = client.post("/sales/quotations/new/", base)
    assert refused.status_code == 200
    assert "Choose a customer, or name the prospect." in refused.content.decode()
    assert Quotation.objects.count() == 0
    answer = client.post("/sales/quotations/new/", {**base, "prospect_name": "新客户"})
    q = Quotation.objects.get()
    assert answer.status_code == 302 and answer.url == f"/sales/quotations/{q.pk}/"
    assert q.total == Decimal("300.00") and q.prospect_name == "新客户"


def test_detail_offers_only_allowed_actions(chain, client_for):
    q = _quote(chain)
    clerk_page = client_for(chain.clerk).get(f"/sales/quotations/{q.pk}/").content.decode()
    assert f"/sales/quotations/{q.pk}/send/" in clerk_page
    assert f"/sales/quotations/{q.pk}/accept/" not in clerk_page


def test_actions_through_the_page(chain, client_for):
    q = _quote(chain)
    assert client_for(chain.finance).post(f"/sales/quotations/{q.pk}/send/").status_code == 403
    clerk = client_for(chain.clerk)
    answer = clerk.post(f"/sales/quotations/{q.pk}/accept/", follow=True)
    assert "Not possible while the document is Draft." in answer.content.decode()
    assert Quotation.objects.get(pk=q.pk).status == "draft"
    clerk.post(f"/sales/quotations/{q.pk}/send/")
    clerk.post(f"/sales/quotations/{q.pk}/accept/")
    q.refresh_from_db()
    assert q.status == "accepted" and SalesOrder.objects.get() == q.sales_order


def test_a_prospect_cannot_be_accepted_on_the_page(chain, client_for):
    q = _quote(chain, customer=None, prospect_name="新客户")
    quotation_send(quotation=q, user=chain.clerk)
    answer = client_for(chain.clerk).post(f"/sales/quotations/{q.pk}/accept/", follow=True)
    assert "needs a customer before it is accepted" in answer.content.decode()
    assert Quotation.objects.get(pk=q.pk).status == "sent"


def test_the_pdf_renders(chain, client_for):
    q = _quote(chain, terms="款到发货")
    answer = client_for(chain.clerk).get(f"/sales/quotations/{q.pk}/pdf/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    # Units print in both languages whatever the reader's, like every document.
    text = pdf_text(answer.content, layout=False)
    assert "瓶 cyl" in text.replace("\n", " ")
