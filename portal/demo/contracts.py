"""Demo contracts (issue 11): one of each type, open production tasks (one
late), a stock preparation slip, a requirement review in progress, a formal
contract waiting in its review and follow-up calls due. Loaded once through
the services (the marker is in the orders' remarks)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial

from contracts.models import Department, ProductionTask
from contracts.services.follow_ups import follow_ups_schedule
from contracts.services.production import production_task_update
from contracts.services.requirement_reviews import (
    requirement_opinion_record,
    requirement_review_confirm,
    requirement_review_open,
)
from customers.enums import CreditTerms
from customers.models import Customer
from inventory.enums import Unit
from inventory.models import Product
from inventory.selectors import stock_overview
from orders.enums import OrderStatus
from orders.models import PriceListItem, SalesOrder
from orders.services.contract_review import contract_review_approve
from orders.services.sales_orders import (
    LineInput,
    sales_order_approve,
    sales_order_create,
    sales_order_submit,
)
from salesadmin.clock import company_today

MARKER = "演示合同 demo contract"


def _special_product(sku: str, name: str, **flags) -> Product:
    product, _created = Product.objects.get_or_create(
        sku=sku,
        defaults={"name": name, "specification": "8L", "unit": Unit.CYLINDER, **flags},
    )
    return product


def _contract(*, clerk, manager, customer, lines, remarks: str, submit: bool = True):
    order = sales_order_create(
        user=clerk, customer=customer, lines=lines, remarks=f"{MARKER}: {remarks}"
    )
    if not submit:
        return order
    order = sales_order_submit(order=order, user=clerk)
    if order.status == OrderStatus.SUBMITTED and not order.formal:
        order = sales_order_approve(order=order, user=manager, comment="演示: 同意")
    return order


def _agreed_and_submitted(
    *, order, requirements: str, departments, promised_in_days: int, clerk, manager
) -> SalesOrder:
    """Every department agrees to the requirement review, the clerk confirms the
    promised date, and the contract goes in."""
    review = requirement_review_open(order=order, requirements=requirements, user=clerk)
    for dept in departments:
        requirement_opinion_record(
            review=review, department=dept, agreed=True, opinion="同意", user=manager
        )
    requirement_review_confirm(
        review=review,
        promised_date=company_today() + dt.timedelta(days=promised_in_days),
        user=clerk,
    )
    return sales_order_submit(order=order, user=clerk)


def demo_contracts(*, clerk, manager, general_manager, inspector) -> int:
    if SalesOrder.objects.filter(remarks__startswith=MARKER).exists():
        return 0
    customer = (
        Customer.objects.filter(active=True, on_credit_hold=False)
        .exclude(credit_terms=CreditTerms.PREPAID)
        .order_by("-credit_limit", "code")
        .first()
    )
    priced = set(PriceListItem.objects.values_list("product_id", flat=True))
    stock = [
        p
        for p in stock_overview().order_by("available_total", "sku")
        if p.unit == Unit.CYLINDER and p.available_total > 0 and p.pk in priced
    ]
    if customer is None or len(stock) < 2:
        return 0
    made = 0
    contract = partial(_contract, clerk=clerk, manager=manager, customer=customer)

    # B: a standard product short of stock: what exists is held (备货单), the
    # rest goes to production; its tracker is the clerk.
    short = stock[0]
    b = contract(
        lines=[LineInput(product=short, quantity=short.available_total + Decimal("20"))],
        remarks="部分现货, 部分生产",
    )
    for task in ProductionTask.objects.filter(order=b):
        production_task_update(task=task, user=manager, tracker=clerk)
    made += 1

    # B, late: a product never in stock here, its task promised for yesterday.
    nitrogen = _special_product("DEMO-N2-8L", "高纯氮气(小瓶)")
    late = contract(
        lines=[LineInput(product=nitrogen, quantity=Decimal("30"), unit_price=Decimal("45.00"))],
        remarks="无库存, 生产中",
    )
    for task in ProductionTask.objects.filter(order=late):
        production_task_update(
            task=task,
            user=manager,
            tracker=clerk,
            requested_date=company_today() - dt.timedelta(days=1),
        )
    made += 1

    # C: a non-standard product, its requirement review still collecting opinions.
    special = _special_product(
        "DEMO-MIX-8L", "混合气(定制配比)", non_standard=True, never_produced=True
    )
    reviewing = contract(
        lines=[LineInput(product=special, quantity=Decimal("4"), unit_price=Decimal("380.00"))],
        remarks="定制配比, 评审中",
        submit=False,
    )
    review = requirement_review_open(
        order=reviewing, requirements="Ar 92% + CO2 8%, 瓶阀 CGA580, 附检测报告", user=clerk
    )
    departments = list(Department.objects.filter(active=True))
    for dept in departments[:-1]:
        requirement_opinion_record(
            review=review, department=dept, agreed=True, opinion="可以生产", user=manager
        )
    made += 1

    # C: reviewed by every department, confirmed and submitted: the formal
    # contract waits for the department head's check (合同评审).
    special2 = _special_product("DEMO-MIX-40L", "混合气(焊接保护)", non_standard=True)
    waiting = contract(
        lines=[LineInput(product=special2, quantity=Decimal("10"), unit_price=Decimal("260.00"))],
        remarks="定制规格, 合同评审中",
        submit=False,
    )
    _agreed_and_submitted(
        order=waiting,
        requirements="40L, 混合比例 82/18",
        departments=departments,
        promised_in_days=21,
        clerk=clerk,
        manager=manager,
    )
    made += 1

    # C approved through the review (manager checks, the general manager
    # approves): production makes all of it.
    special3 = _special_product("DEMO-MIX-4L", "标准气(校准用)", non_standard=True)
    approved = contract(
        lines=[LineInput(product=special3, quantity=Decimal("6"), unit_price=Decimal("520.00"))],
        remarks="定制, 已评审",
        submit=False,
    )
    approved = _agreed_and_submitted(
        order=approved,
        requirements="校准用标准气",
        departments=departments,
        promised_in_days=14,
        clerk=clerk,
        manager=manager,
    )
    approved = contract_review_approve(order=approved, user=manager, comment="核对无误")
    contract_review_approve(order=approved, user=general_manager, comment="同意")
    made += 1

    # Follow-up calls for contracts delivered days ago.
    follow_ups_schedule()
    return made
