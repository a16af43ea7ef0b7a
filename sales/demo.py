"""Demo quotations, one in every state, for the demo data (run after the
core demo_data; the portal's demo command calls ``load_demo_quotations``).

Safe to run again: nothing is added when the demo quotations exist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from customers.models import Customer
from inventory.models import Product
from orders.models import PriceListItem
from sales.models import Quotation
from sales.services.quotations import (
    QuotationLineInput,
    quotation_accept,
    quotation_create,
    quotation_decline,
    quotation_lapse_if_expired,
    quotation_send,
)
from salesadmin.clock import company_today

MARK = "演示报价"


@transaction.atomic
def load_demo_quotations() -> int:
    if Quotation.objects.filter(terms__startswith=MARK).exists():
        return 0
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["clerk"])}
    customers = list(
        Customer.objects.filter(active=True, on_credit_hold=False).order_by("code")[:3]
    )
    priced = PriceListItem.objects.values("product_id")
    products = list(Product.objects.filter(active=True, pk__in=priced).order_by("sku")[:2])
    if "clerk" not in users or not customers or not products:
        return 0
    clerk, today = users["clerk"], company_today()

    def make(n: int, *, customer=None, prospect=""):
        return quotation_create(
            user=clerk,
            customer=customer,
            prospect_name=prospect,
            prospect_contact="王经理 13800000000" if prospect else "",
            lines=[QuotationLineInput(product=p, quantity=Decimal("10")) for p in products],
            valid_until=today + dt.timedelta(days=14),
            delivery_date=today + dt.timedelta(days=21),
            terms=f"{MARK} {n}：月结30天，含运费。",
        )

    make(1, customer=customers[0])  # draft
    quotation_send(quotation=make(2, prospect="湖州新材料有限公司"), user=clerk)  # sent
    accepted = quotation_send(quotation=make(3, customer=customers[0]), user=clerk)
    quotation_accept(quotation=accepted, user=clerk)
    declined = quotation_send(quotation=make(4, customer=customers[-1]), user=clerk)
    quotation_decline(quotation=declined, user=clerk, comment="价格偏高")
    lapsed = quotation_send(quotation=make(5, customer=customers[-1]), user=clerk)
    # Demo only: move its dates back so that the beat job's rule lapses it.
    Quotation.objects.filter(pk=lapsed.pk).update(
        quote_date=today - dt.timedelta(days=30), valid_until=today - dt.timedelta(days=16)
    )
    quotation_lapse_if_expired(pk=lapsed.pk)
    return 5
