"""Contracts under parallel load, on PostgreSQL with real threads: a stock
preparation slip and delivery notes racing for the same units never
overbook; two reviewers acting on one contract review give one outcome."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from approvals.models import ApprovalStep
from contracts.models import PreparationLine, ProductionTask
from inventory.models import StockLevel
from orders.enums import OrderStatus
from orders.models import DeliveryNote, SalesOrder, SalesOrderLine
from orders.services.contract_review import contract_review_approve
from orders.services.delivery_notes import IssueLine, delivery_note_issue
from orders.services.sales_orders import (
    LineInput,
    sales_order_approve,
    sales_order_create,
    sales_order_submit,
)
from tests import racing
from tests.chain import Chain
from tests.racing import errors

pytestmark = pytest.mark.django_db(transaction=True)

NOTES = 6


def _user(pk):
    return get_user_model().objects.get(pk=pk)


def test_a_preparation_slip_and_notes_racing_never_overbook(clerk, finance, keeper, manager):
    # Given 100 of oxygen in stock (argon and liquid oxygen elsewhere)
    chain = Chain(clerk=clerk, finance=finance, keeper=keeper, manager=manager, stock="100")
    oxygen = chain.products[0]
    # a B contract for 150 waiting for the manager (a price below list)
    contract = sales_order_submit(
        order=sales_order_create(
            user=clerk,
            customer=chain.customer,
            lines=[LineInput(product=oxygen, quantity=Decimal("150"), unit_price=Decimal("28"))],
        ),
        user=clerk,
    )
    assert contract.status == OrderStatus.SUBMITTED
    # and six approved orders of 20 each, each about to get its note
    others = [chain.order(("20",)) for _ in range(NOTES)]
    assert all(o.status == OrderStatus.APPROVED for o in others)
    other_lines = [SalesOrderLine.objects.get(order=o).pk for o in others]

    # When the manager approves the contract while the clerks issue the notes
    def work(i):
        if i == 0:
            return sales_order_approve(order=SalesOrder(pk=contract.pk), user=_user(manager.pk))
        line = SalesOrderLine.objects.get(pk=other_lines[i - 1])
        return delivery_note_issue(
            order=line.order,
            user=_user(clerk.pk),
            warehouse=chain.warehouse,
            lines=[IssueLine(order_line=line, quantity=Decimal("20"))],
        )

    outcomes = racing.run_together(work, NOTES + 1)

    # Then nothing failed unexpectedly, and what the slip and the notes hold
    # together is never more than the 100 in stock
    assert not errors(outcomes), errors(outcomes)
    assert outcomes[0][0] == "ok"
    held = sum(ln.held for ln in PreparationLine.objects.filter(slip__order=contract))
    noted = Decimal(20) * DeliveryNote.objects.filter(order__in=others).count()
    level = StockLevel.objects.get(product=oxygen, warehouse=chain.warehouse)
    assert held + noted == level.reserved <= level.on_hand == Decimal("100")
    # and production makes exactly what the slip could not hold
    task = ProductionTask.objects.get(order=contract)
    assert task.quantity == Decimal("150") - held
    refused = [o for o in outcomes[1:] if o[0] != "ok"]
    assert all(kind == "insufficient" for kind, _exc in refused)


@override_settings(
    CONTRACT_REVIEW={
        "type_c": True,
        "prepaid": False,
        "threshold": Decimal("1000.00"),
        "check_level": "department_head",
        "approve_level": "sales_director",
    }
)
def test_two_reviewers_approving_at_once_give_one_outcome(
    clerk, finance, keeper, manager, levels, director, general_manager
):
    # Given a formal contract checked by the department head, waiting for the director
    chain = Chain(clerk=clerk, finance=finance, keeper=keeper, manager=manager)
    order = chain.order(("50",))
    assert order.formal and order.review_level.code == "department_head"
    order = contract_review_approve(order=order, user=general_manager)
    assert order.review_level.code == "sales_director"
    reviewers = [director.pk, general_manager.pk]

    # When the director and the general manager approve at the same moment
    outcomes = racing.run_together(
        lambda i: contract_review_approve(order=SalesOrder(pk=order.pk), user=_user(reviewers[i])),
        2,
    )

    # Then one approval made it take effect; the other found it decided
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["conflict", "ok"], outcomes
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    steps = ApprovalStep.objects.filter(document_type="sales_order", document_id=order.pk)
    assert [s.decision for s in steps.order_by("id")] == ["forwarded", "approved"]
