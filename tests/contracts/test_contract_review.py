"""The contract review of a formal contract (seed 002 1.1.4): the department
head checks, the sales director approves, an amount above the director's
limit goes on to the next level (deputy, then general manager); verbal orders
keep today's approval."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from approvals.models import ApprovalStep
from contracts.models import ProductionTask
from customers.enums import CreditTerms
from orders.enums import OrderStatus
from orders.services.contract_review import contract_review_approve, contract_review_reject
from orders.services.sales_orders import sales_order_approve
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.models import TransitionLog
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

RULES = {
    "type_c": True,
    "prepaid": True,
    "threshold": Decimal("10000.00"),
    "check_level": "department_head",
    "approve_level": "sales_director",
}


@pytest.fixture(autouse=True)
def _rules():
    with override_settings(CONTRACT_REVIEW=RULES):
        yield


def _steps(order):
    return list(
        ApprovalStep.objects.filter(document_type="sales_order", document_id=order.pk)
        .order_by("id")
        .values_list("level__code", "decision")
    )


def test_a_verbal_order_within_the_rules_is_approved_at_submit(chain, levels):
    order = chain.order(("10",))  # 300.00 for a monthly customer

    assert (order.formal, order.status) == (False, OrderStatus.APPROVED)


def test_a_large_contract_is_checked_then_approved(chain, head, director):
    # Given a contract above the threshold (500 × 30.00 = 15,000)
    order = chain.order(("500",))
    assert (order.formal, order.status) == (True, OrderStatus.SUBMITTED)
    assert order.review_level.code == "department_head"

    # When the department head checks it, then the director approves it
    order = contract_review_approve(order=order, user=head, comment="价格核对无误")
    assert (order.status, order.review_level.code) == (OrderStatus.SUBMITTED, "sales_director")
    order = contract_review_approve(order=order, user=director, comment="同意")

    # Then it takes effect; each step is logged with who and the comment
    assert order.status == OrderStatus.APPROVED and order.review_level is None
    assert _steps(order) == [
        ("department_head", "forwarded"),
        ("sales_director", "approved"),
    ]
    log = TransitionLog.objects.filter(document_type="sales_order", document_id=order.pk)
    assert [e.transition for e in log.order_by("id")][-2:] == ["review_forward", "review_approve"]


def test_a_prepaid_customers_contract_is_formal(chain, levels):
    prepaid = CustomerFactory(credit_terms=CreditTerms.PREPAID)
    order = chain.order(("1",), customer=prepaid)
    assert order.formal and order.status == OrderStatus.SUBMITTED


def test_the_department_head_cannot_give_the_directors_approval(chain, head, director):
    order = contract_review_approve(order=chain.order(("500",)), user=head)

    with pytest.raises(PermissionDenied):
        contract_review_approve(order=order, user=head)


def test_a_plain_manager_without_a_level_cannot_review(chain, levels):
    order = chain.order(("500",))
    with pytest.raises(PermissionDenied):
        contract_review_approve(order=order, user=chain.manager)


def test_the_clerk_cannot_review(chain, levels):
    order = chain.order(("500",))
    with pytest.raises(PermissionDenied):
        contract_review_approve(order=order, user=chain.clerk)


def test_a_formal_contract_is_not_approved_by_the_ordinary_manager_approval(chain, head):
    order = chain.order(("500",))
    with pytest.raises(ApplicationError) as refused:
        sales_order_approve(order=order, user=chain.manager)
    assert refused.value.code == "contract_review_required"


def test_above_the_directors_limit_the_next_level_approves(chain, head, director, deputy):
    # 800 × 30.00 = 24,000 > the director's 20,000, within the deputy's 50,000
    order = contract_review_approve(order=chain.order(("800",)), user=head)
    order = contract_review_approve(order=order, user=director)
    assert (order.status, order.review_level.code) == (
        OrderStatus.SUBMITTED,
        "deputy_general_manager",
    )
    with pytest.raises(PermissionDenied):
        contract_review_approve(order=order, user=director)
    order = contract_review_approve(order=order, user=deputy)
    assert order.status == OrderStatus.APPROVED
    assert [d for _lv, d in _steps(order)] == ["forwarded", "forwarded", "approved"]


def test_above_every_limit_the_general_manager_approves(
    chain, levels, head, director, deputy, general_manager
):
    # The company set its deputy's limit at 22,000: 24,000 goes on to the general manager
    levels["deputy_general_manager"].limit = Decimal("22000.00")
    levels["deputy_general_manager"].save(update_fields=["limit"])
    order = contract_review_approve(order=chain.order(("800",)), user=head)
    order = contract_review_approve(order=order, user=director)
    order = contract_review_approve(order=order, user=deputy)
    assert (order.status, order.review_level.code) == (OrderStatus.SUBMITTED, "general_manager")
    with pytest.raises(PermissionDenied):
        contract_review_approve(order=order, user=deputy)
    order = contract_review_approve(order=order, user=general_manager)
    assert order.status == OrderStatus.APPROVED
    assert [d for _lv, d in _steps(order)] == ["forwarded", "forwarded", "forwarded", "approved"]


def test_rejection_needs_a_comment_and_is_logged(chain, head):
    order = chain.order(("500",))
    with pytest.raises(ApplicationError) as refused:
        contract_review_reject(order=order, user=head, comment="  ")
    assert refused.value.code == "comment_required"

    order = contract_review_reject(order=order, user=head, comment="交货期无法满足")
    assert order.status == OrderStatus.REJECTED
    assert _steps(order) == [("department_head", "rejected")]


def test_a_verbal_order_has_no_contract_review(chain, head):
    order = chain.order(("10",), prices=["20.00"])  # waits for a manager: below list
    assert (order.formal, order.status) == (False, OrderStatus.SUBMITTED)
    with pytest.raises(ApplicationError) as refused:
        contract_review_approve(order=order, user=head)
    assert refused.value.code == "not_formal"


def test_a_reviewed_b_contract_gets_its_task_when_it_takes_effect(chain, head, director):
    # 1 oxygen and 7,000 kg of liquid oxygen at 1.50 = 10,530: formal; 6,000 short
    order = chain.order(("1", "7000"))
    order = contract_review_approve(order=order, user=head)
    assert not ProductionTask.objects.filter(order=order).exists()
    contract_review_approve(order=order, user=director)
    assert ProductionTask.objects.get(order=order).quantity == Decimal("6000")


def test_an_approved_contract_cannot_be_reviewed_again(chain, head, director):
    order = contract_review_approve(order=chain.order(("500",)), user=head)
    order = contract_review_approve(order=order, user=director)
    with pytest.raises(ConflictError):
        contract_review_approve(order=order, user=director)
