"""Product requirement review (产品要求评审表) of a C contract: every
department's yes before price and date are confirmed; then it proceeds as B."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from contracts.enums import ReviewStatus
from contracts.models import Department, ProductionTask
from contracts.services.requirement_reviews import (
    requirement_opinion_record,
    requirement_review_confirm,
    requirement_review_open,
)
from orders.enums import ContractType, OrderStatus
from orders.services.contract_review import contract_review_approve
from orders.services.sales_orders import sales_order_submit
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError

pytestmark = pytest.mark.django_db


def _c_order(chain):
    argon = chain.products[2]
    argon.never_produced = True
    argon.save(update_fields=["never_produced"])
    return chain.order(("10", "100", "5"), submit=False)


def _all_say_yes(review, user):
    for dept in Department.objects.all():
        requirement_opinion_record(
            review=review, department=dept, agreed=True, opinion="可以", user=user
        )


def test_a_never_produced_product_makes_a_c_contract(chain):
    assert _c_order(chain).contract_type == ContractType.C


def test_a_c_contract_cannot_be_submitted_before_its_review_is_confirmed(chain):
    order = _c_order(chain)
    with pytest.raises(ApplicationError) as refused:
        sales_order_submit(order=order, user=chain.clerk)
    assert refused.value.code == "requirements_not_confirmed"


def test_price_and_date_wait_for_every_departments_yes(chain, inspector):
    order = _c_order(chain)
    review = requirement_review_open(
        order=order, requirements="耐压 15MPa,特殊阀门", user=chain.clerk
    )
    quality, *others = Department.objects.order_by("-position")
    promised = company_today() + dt.timedelta(days=20)

    # One department says no (with its reason): the date cannot be confirmed
    requirement_opinion_record(
        review=review, department=quality, agreed=False, opinion="需先做型式试验", user=inspector
    )
    for dept in others:
        requirement_opinion_record(
            review=review, department=dept, agreed=True, opinion="", user=chain.manager
        )
    with pytest.raises(ApplicationError) as refused:
        requirement_review_confirm(review=review, promised_date=promised, user=chain.clerk)
    assert refused.value.code == "departments_not_agreed"

    # It changes its word: now price and date are confirmed
    requirement_opinion_record(
        review=review, department=quality, agreed=True, opinion="试验合格", user=inspector
    )
    review = requirement_review_confirm(review=review, promised_date=promised, user=chain.clerk)
    assert review.status == ReviewStatus.CONFIRMED
    order.refresh_from_db()
    assert order.promised_date == promised


def test_a_confirmed_c_contract_is_reviewed_and_proceeds_as_b(chain, levels, head, director):
    order = _c_order(chain)
    review = requirement_review_open(order=order, requirements="特殊规格", user=chain.clerk)
    _all_say_yes(review, chain.manager)
    promised = company_today() + dt.timedelta(days=30)
    requirement_review_confirm(review=review, promised_date=promised, user=chain.clerk)

    order = sales_order_submit(order=order, user=chain.clerk)
    assert order.formal and order.status == OrderStatus.SUBMITTED  # any C is formal
    order = contract_review_approve(
        order=contract_review_approve(order=order, user=head), user=director
    )

    assert order.status == OrderStatus.APPROVED
    # Argon is in stock (1000 ≥ 5), so nothing to produce: all held on the slip
    assert not ProductionTask.objects.filter(order=order).exists()
    assert order.preparation_slip.lines.get(product=chain.products[2]).held == Decimal("5")


def test_only_the_departments_members_give_its_opinion(chain, inspector):
    review = requirement_review_open(order=_c_order(chain), requirements="x", user=chain.clerk)
    quality = Department.objects.get(code="quality")
    quality.members.add(inspector)

    with pytest.raises(PermissionDenied):
        requirement_opinion_record(
            review=review, department=quality, agreed=True, opinion="", user=chain.manager
        )
    with pytest.raises(PermissionDenied):  # the clerk gives no department's opinion
        requirement_opinion_record(
            review=review,
            department=Department.objects.get(code="technology"),
            agreed=True,
            opinion="",
            user=chain.clerk,
        )


def test_a_no_needs_its_reason(chain):
    review = requirement_review_open(order=_c_order(chain), requirements="x", user=chain.clerk)
    with pytest.raises(ApplicationError) as refused:
        requirement_opinion_record(
            review=review,
            department=Department.objects.first(),
            agreed=False,
            opinion="",
            user=chain.manager,
        )
    assert refused.value.code == "opinion_required"


def test_only_a_c_contract_is_reviewed(chain):
    with pytest.raises(ApplicationError) as refused:
        requirement_review_open(
            order=chain.order(("1",), submit=False), requirements="x", user=chain.clerk
        )
    assert refused.value.code == "not_type_c"


def test_the_warehouse_cannot_open_a_review(chain):
    with pytest.raises(PermissionDenied):
        requirement_review_open(order=_c_order(chain), requirements="x", user=chain.keeper)
