"""Demo quotations, one in every state, and this year's approved targets with
product groups and commission rules, for the demo data (run after the core
demo_data; the portal's demo command calls ``load_demo_quotations`` and
``load_demo_targets``).

Safe to run again: nothing is added when the demo quotations (targets) exist."""

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


# --- Targets and commission (issue 17) ---------------------------------------------
# Product groups reviewed at the monthly meeting: code, name, unit, SKU prefixes.
DEMO_GROUPS = (
    ("LIQ", "液体产品", "kg", ("LO2-", "LN2-", "LAR-", "LCO2-")),
    ("CYL", "瓶装气体", "cyl", ("CYL-",)),
)
# Each salesperson's monthly target in CNY, January to December: the seeds'
# "10% monthly growth" read as a rising line through the year.
DEMO_MONTHLY = {"clerk": Decimal("60000"), "clerk2": Decimal("40000")}
DEMO_GROWTH = Decimal("1.03")
# Each month's target split by product group: (group, share, what one unit sells for).
DEMO_GROUP_SPLIT = (
    ("CYL", Decimal("0.4"), Decimal("60")),
    ("LIQ", Decimal("0.6"), Decimal("1.5")),
)


@transaction.atomic
def load_demo_targets() -> int:
    """This year's target, approved, with the product groups and each
    salesperson's commission rule; nothing is added when a target exists."""
    from sales.enums import CommissionBasis
    from sales.models import ProductGroup, ProductGroupMember, SalesTarget
    from sales.services.commission import commission_rule_set
    from sales.services.targets import (
        TargetLineInput,
        sales_target_approve,
        sales_target_create,
        sales_target_lines_save,
        sales_target_submit,
    )

    today = company_today()
    if SalesTarget.objects.filter(year=today.year).exists():
        return 0
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=[*DEMO_MONTHLY, "manager"])
    }
    if "manager" not in users or not any(name in users for name in DEMO_MONTHLY):
        return 0
    groups = {}
    for code, name, unit, prefixes in DEMO_GROUPS:
        group, _created = ProductGroup.objects.get_or_create(
            code=code, defaults={"name": name, "unit": unit}
        )
        groups[code] = group
        for product in Product.objects.filter(active=True):
            if product.sku.startswith(prefixes):
                ProductGroupMember.objects.get_or_create(product=product, defaults={"group": group})
    manager = users["manager"]
    totals, by_group = [], {code: [] for code in groups}
    for username, base in DEMO_MONTHLY.items():
        person = users.get(username)
        if person is None:
            continue
        for month in range(1, 13):
            amount = (base * DEMO_GROWTH ** (month - 1)).quantize(Decimal("1"))
            totals.append(TargetLineInput(month=month, salesperson_id=person.pk, amount=amount))
            for code, share, unit_amount in DEMO_GROUP_SPLIT:
                part = amount * share
                by_group[code].append(
                    TargetLineInput(
                        month=month,
                        salesperson_id=person.pk,
                        amount=part.quantize(Decimal("1")),
                        product_group=groups[code],
                        quantity=Decimal(int(part / unit_amount)),
                    )
                )
        commission_rule_set(
            user=manager,
            salesperson=person,
            basis=CommissionBasis.COLLECTED_WITHIN_TERMS
            if username == "clerk"
            else CommissionBasis.SALES,
            rate=Decimal("1.5") if username == "clerk" else Decimal("1.0"),
            valid_from=today.replace(month=1, day=1),
        )
    target = sales_target_create(user=manager, year=today.year)
    sales_target_lines_save(user=manager, target=target, lines=totals)
    for code, lines in by_group.items():
        sales_target_lines_save(
            user=manager, target=target, lines=lines, product_group=groups[code]
        )
    sales_target_submit(user=manager, target=target)
    sales_target_approve(user=manager, target=target, comment="经营班子审定")
    return 1
