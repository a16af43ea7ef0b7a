"""Sales are net of returns and allowances in every report (the sales
analysis by day, month, product, customer and salesperson, its totals, the top
lists, the period totals and the sales summary), on the day each takes effect;
the day tables give the same figures as the live ones.

The expected figures are worked out here in plain Python from the documents
themselves (note lines, received return lines, approved allowances and their
lines), never from the credit notes or the reports' SQL."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from customers.enums import CreditTerms
from orders.models import DeliveryNote, DeliveryNoteLine
from reports.enums import GroupBy
from reports.rollup import sales_rollup
from reports.selectors import sales_analysis, sales_figures
from reports.selectors.definitions import SOLD
from reports.services import summary_figures
from returns.enums import AllowanceStatus, ReturnStatus
from returns.models import Allowance, ReturnApplication
from returns.services.allowances import (
    AllowanceLineInput,
    allowance_approve,
    allowance_create,
    allowance_submit,
)
from salesadmin.clock import company_today
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
ZERO = Decimal("0.00")


@dataclass
class Fact:
    """One thing that changes sales: a loaded note line, a returned line, an
    allowance (line)."""

    day: dt.date
    customer: int
    salesperson: int | None
    product: int | None
    gross: Decimal = ZERO
    returns: Decimal = ZERO
    allowances: Decimal = ZERO
    quantity: Decimal = Decimal("0")
    note: int | None = None

    @property
    def net(self) -> Decimal:
        return self.gross - self.returns - self.allowances


def _local(moment) -> dt.date:
    return timezone.localtime(moment).date()


def facts() -> list[Fact]:
    found = []
    for line in DeliveryNoteLine.objects.filter(note__status__in=SOLD).select_related(
        "note__customer"
    ):
        customer = line.note.customer
        found.append(
            Fact(
                day=_local(line.note.dispatched_at),
                customer=customer.pk,
                salesperson=customer.salesperson_id,
                product=line.product_id,
                gross=(line.actual_quantity * line.unit_price).quantize(
                    Decimal("0.01"), rounding=ROUND_HALF_UP
                ),
                quantity=line.actual_quantity,
                note=line.note_id,
            )
        )
    received = ReturnApplication.objects.filter(
        status__in=[ReturnStatus.RECEIVED, ReturnStatus.CLOSED]
    ).select_related("customer")
    for application in received:
        for line in application.lines.all():
            found.append(
                Fact(
                    day=_local(application.received_at),
                    customer=application.customer_id,
                    salesperson=application.customer.salesperson_id,
                    product=line.product_id,
                    returns=line.amount,
                    quantity=-line.quantity,
                )
            )
    approved = Allowance.objects.filter(status=AllowanceStatus.APPROVED).select_related("customer")
    for allowance in approved:
        common = {
            "day": _local(allowance.decided_at),
            "customer": allowance.customer_id,
            "salesperson": allowance.customer.salesperson_id,
        }
        lines = list(allowance.lines.select_related("note_line"))
        if any(line.note_line_id for line in lines):
            for line in lines:
                found.append(
                    Fact(**common, product=line.note_line.product_id, allowances=line.amount)
                )
        else:
            found.append(Fact(**common, product=None, allowances=allowance.amount))
    return found


def by(first, last, key) -> dict:
    """{key: (net value, quantity, notes)} over the days first..last."""
    value, quantity, notes = defaultdict(Decimal), defaultdict(Decimal), defaultdict(set)
    for fact in facts():
        if first <= fact.day <= last:
            k = key(fact)
            value[k] += fact.net
            quantity[k] += fact.quantity
            if fact.note:
                notes[k].add(fact.note)
    return {k: (value[k], quantity[k], len(notes[k])) for k in value}


@pytest.fixture
def scene(world, clerk):
    """Yesterday: a note of 850.00 to the first customer (no salesperson).
    Today: a note of 150.00 to a second customer (the clerk's); 2 oxygen
    cylinders of yesterday's note come back (60.00); an allowance of 2.00 per
    unit on yesterday's 5 argon cylinders (10.00), and one of 25.00 on today's
    whole note; another return only submitted (nothing yet)."""
    head = world.approver("department_head", "head")
    first_note = world.note()
    yesterday = timezone.now() - dt.timedelta(days=1)
    DeliveryNote.objects.filter(pk=first_note.pk).update(dispatched_at=yesterday)
    other = CustomerFactory(
        name="宁波净额客户",
        credit_terms=CreditTerms.MONTHLY,
        credit_limit=Decimal("100000.00"),
        salesperson=clerk,
    )
    chain = world.chain
    second_note = chain.dispatched(
        chain.stamped(chain.note(chain.order(("4", "20"), customer=other)))
    )
    world.received(
        world.approved(world.inspected(world.submitted(world.filed(first_note, quantities=["2"]))))
    )
    world.submitted(world.filed(second_note, quantities=["1"]))
    argon = first_note.lines.get(product=chain.products[2])
    per_unit = allowance_create(
        user=world.clerk,
        delivery_note=first_note,
        reason="quality",
        customer_reference="ZR-1",
        lines=[AllowanceLineInput(note_line=argon, unit_reduction=Decimal("2.00"))],
    )
    allowance_approve(allowance=allowance_submit(allowance=per_unit, user=world.clerk), user=head)
    whole = world.allowance(second_note, amount="25.00")
    allowance_approve(allowance=whole, user=head)
    return {"customer": chain.customer, "other": other, "products": chain.products}


def _rows(q):
    return [sales_analysis.sales_row(q, r) for r in sales_analysis.sales_rows(q)]


def _query(first, last, group_by, **filters):
    return sales_analysis.SalesQuery(date_from=first, date_to=last, group_by=group_by, **filters)


def test_the_sales_analysis_is_net_in_every_grouping(scene, clerk):
    today = company_today()
    first = today - dt.timedelta(days=1)
    o2, _lo2, argon = scene["products"]

    groups = {
        GroupBy.PRODUCT: lambda f: f.product,
        GroupBy.CUSTOMER: lambda f: f.customer,
        GroupBy.SALESPERSON: lambda f: f.salesperson,
        GroupBy.DAY: lambda f: f.day,
    }
    for group_by, key in groups.items():
        rows = _rows(_query(first, today, group_by))
        expected = by(first, today, key)
        assert {r.key: r.value for r in rows} == {k: v[0] for k, v in expected.items()}, group_by
        assert {r.key: r.notes for r in rows} == {k: v[2] for k, v in expected.items()}
    by_product = {r.key: r for r in _rows(_query(first, today, GroupBy.PRODUCT))}
    assert {k: r.quantity for k, r in by_product.items()} == {
        k: v[1] for k, v in by(first, today, lambda f: f.product).items()
    }
    # The hand-made figures: 300 + 120 - 60 oxygen (12 kept), 400 - 10 argon (5 kept),
    # an allowance on no product of its own row.
    assert (by_product[o2.pk].value, by_product[o2.pk].quantity) == (Decimal("360.00"), 12)
    assert (by_product[o2.pk].gross, by_product[o2.pk].returns) == (Decimal("420.00"), 60)
    assert (by_product[argon.pk].value, by_product[argon.pk].allowances) == (390, 10)
    assert by_product[None].value == Decimal("-25.00")
    assert by_product[None].url is None
    # Each credit counts on the day it takes effect: the return of yesterday's
    # goods lowers today.
    days = {r.key: r.value for r in _rows(_query(first, today, GroupBy.DAY))}
    assert days == {first: Decimal("850.00"), today: Decimal("150.00") - 60 - 10 - 25}

    months = _rows(_query(first, today, GroupBy.MONTH))
    assert sum(r.value for r in months) == Decimal("905.00")

    totals = sales_analysis.sales_totals(_query(first, today, GroupBy.DAY))
    assert (totals["value"], totals["gross"], totals["returns"], totals["allowances"]) == (
        Decimal("905.00"),
        Decimal("1000.00"),
        Decimal("60.00"),
        Decimal("35.00"),
    )


def test_filters_narrow_the_credits_like_the_sales(scene, clerk):
    today = company_today()
    first = today - dt.timedelta(days=1)
    o2 = scene["products"][0]
    cases = [
        ({"customer_id": scene["customer"].pk}, lambda f: f.customer == scene["customer"].pk),
        ({"product_id": o2.pk}, lambda f: f.product == o2.pk),
        ({"salesperson": clerk.pk}, lambda f: f.salesperson == clerk.pk),
        ({"salesperson": "none"}, lambda f: f.salesperson is None),
    ]
    for filters, wanted in cases:
        q = _query(first, today, GroupBy.CUSTOMER, **filters)
        expected = defaultdict(Decimal)
        for fact in facts():
            if first <= fact.day <= today and wanted(fact):
                expected[fact.customer] += fact.net
        assert {r.key: r.value for r in _rows(q)} == dict(expected), filters
        assert sales_analysis.sales_totals(q)["value"] == sum(expected.values(), ZERO)


def test_top_lists_period_totals_and_summary_are_net_and_the_rollup_agrees(scene, clerk):
    today = company_today()
    first = today - dt.timedelta(days=1)
    products = by(first, today, lambda f: f.product)
    customers = by(first, today, lambda f: f.customer)
    people = by(first, today, lambda f: f.salesperson)

    def figures(through):
        return (
            {
                r.key: (r.value, r.quantity)
                for r in sales_figures.top_products(first, today, limit=None, through=through)
            },
            {
                r.key: (r.value, r.notes)
                for r in sales_figures.top_customers(first, today, limit=None, through=through)
            },
            {
                r.key: r.value
                for r in sales_figures.top_salespeople(first, today, limit=None, through=through)
            },
            sales_figures.period_totals(first, today, through=through)["sales"],
        )

    live = figures(None)
    assert live[0] == {k: v[:2] for k, v in products.items() if k is not None}
    assert live[1] == {k: (v[0], v[2]) for k, v in customers.items()}
    assert live[2] == {k: v[0] for k, v in people.items()}
    assert live[3] == Decimal("905.00")

    # Yesterday closed and rolled up, then today too: the same figures.
    sales_rollup(today=today)
    assert figures(first) == live
    sales_rollup(today=today + dt.timedelta(days=1))
    assert figures(today) == live

    summary = summary_figures(first, today)
    assert (summary["sales"], summary["returns"], summary["allowances"]) == (
        "905.00",
        "60.00",
        "35.00",
    )
    assert {r["label"]: Decimal(r["value"]) for r in summary["top_customers"]} == {
        scene["customer"].name: customers[scene["customer"].pk][0],
        scene["other"].name: customers[scene["other"].pk][0],
    }


def test_the_page_and_the_api_show_gross_returns_allowances_and_net(scene, manager, client_for):
    from rest_framework.test import APIClient

    today = company_today()
    first = today - dt.timedelta(days=1)
    query = f"date_from={first}&date_to={today}&group_by=product"
    page = client_for(manager).get(f"/reports/sales/?{query}").content.decode()
    assert 'id="sales-credits"' in page
    assert "(allowances on no product)" in page
    api = APIClient()
    api.force_authenticate(manager)
    body = api.get(f"/api/v1/reports/sales/?{query}").json()
    assert (body["totals"]["value"], body["totals"]["returns"]) == ("905.00", "60.00")
    row = next(r for r in body["rows"] if r["id"] == str(scene["products"][0].pk))
    assert (row["gross"], row["returns"], row["allowances"], row["value"]) == (
        "420.00",
        "60.00",
        "0.00",
        "360.00",
    )
