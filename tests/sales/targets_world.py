"""A small world for targets and commission, built through the services:
two salespeople, each with a monthly customer, notes this month and last,
an approved target for the year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from customers.enums import CreditTerms
from sales.models import ProductGroup, ProductGroupMember
from sales.services.targets import (
    TargetLineInput,
    sales_target_approve,
    sales_target_create,
    sales_target_lines_save,
    sales_target_submit,
)
from salesadmin.clock import company_today
from salesadmin.roles import Role
from tests.factories import CustomerFactory, UserFactory


def salesperson(username: str):
    return UserFactory(username=username, first_name=username.title(), roles=[Role.SALES_CLERK])


def credit_customer(name: str, person):
    return CustomerFactory(
        name=name,
        credit_terms=CreditTerms.MONTHLY,
        credit_limit=Decimal("100000.00"),
        salesperson=person,
    )


def bottled_group(chain) -> ProductGroup:
    """O2 and Ar cylinders, counted in cylinders; liquid oxygen in no group."""
    group = ProductGroup.objects.create(code="BOT", name="瓶装气", unit="cyl")
    for product in (chain.products[0], chain.products[2]):
        ProductGroupMember.objects.create(group=group, product=product)
    return group


def approved_target(*, clerk, manager, lines: list[TargetLineInput], year: int | None = None):
    target = sales_target_create(user=clerk, year=year or company_today().year)
    groups = {ln.product_group for ln in lines}
    for group in groups:
        sales_target_lines_save(
            user=clerk,
            target=target,
            product_group=group,
            lines=[ln for ln in lines if ln.product_group == group],
        )
    sales_target_submit(user=clerk, target=target)
    return sales_target_approve(user=manager, target=target, comment="同意")


def months_back(day: dt.date, n: int) -> dt.date:
    from salesadmin.clock import add_months

    return add_months(day.replace(day=1), -n)
