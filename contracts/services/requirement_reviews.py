"""Product requirement review (产品要求评审表, seed 002 1.1.3) of a C contract:
the clerk opens it with the customer's requirements while the contract is a
draft; each reviewing department (technology, production, quality: the
Department rows) records an opinion and a yes/no; only when every active
department said yes may the clerk confirm price and delivery date to the
customer, which lets the contract be submitted. It then proceeds as B.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.enums import ReviewStatus
from contracts.models import Department, RequirementReview, ReviewOpinion
from orders.enums import ContractType, OrderStatus
from orders.models import SalesOrder
from orders.services.sales_orders import locked_order, sales_order_confirm_requirements
from salesadmin.clock import company_today
from salesadmin.db import locked
from salesadmin.document_numbers import number_last
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.transitions import log_step, run_transition

DOC = "requirement_review"


def _log(review: RequirementReview, name: str, user, comment: str = "") -> None:
    log_step(
        DOC,
        review,
        name,
        user=user,
        from_state=review.status,
        to_state=review.status,
        comment=comment[:300],
    )


@transaction.atomic
def requirement_review_open(*, order: SalesOrder, requirements: str, user) -> RequirementReview:
    if not user.has_perm("contracts.add_requirementreview"):
        raise PermissionDenied
    order = locked_order(order.pk)
    if order.contract_type != ContractType.C:
        raise ApplicationError(
            _("Only a C contract (non-standard or first-time product) is reviewed."),
            code="not_type_c",
        )
    if order.status != OrderStatus.DRAFT:
        raise ConflictError(
            _("The requirements are reviewed before the contract is submitted."),
            code="invalid_state",
        )
    requirements = (requirements or "").strip()
    if not requirements:
        raise ApplicationError(
            _("Write down the customer's requirements."), code="requirements_required"
        )
    if RequirementReview.objects.filter(order_id=order.pk).exists():
        raise ConflictError(
            _("This contract already has a requirement review."), code="review_exists"
        )
    review = RequirementReview.objects.create(
        order=order, requirements=requirements, created_by=user
    )
    number_last(review, DOC)
    log_step(DOC, review, "open", user=user, from_state="", to_state=review.status)
    return review


def departments() -> list[Department]:
    return list(Department.objects.filter(active=True).prefetch_related("members"))


def may_speak_for(department: Department, user) -> bool:
    if not user.has_perm("contracts.give_opinion"):
        return False
    members = list(department.members.all())
    return not members or any(m.pk == user.pk for m in members)


@transaction.atomic
def requirement_opinion_record(
    *, review: RequirementReview, department: Department, agreed: bool, opinion: str, user
) -> ReviewOpinion:
    if not user.has_perm("contracts.give_opinion"):
        raise PermissionDenied
    review = locked(RequirementReview.objects).get(pk=review.pk)
    if review.status != ReviewStatus.OPEN:
        raise ConflictError(_("This review is closed."), code="invalid_state")
    department = Department.objects.prefetch_related("members").get(pk=department.pk)
    if not department.active:
        raise ApplicationError(_("This department no longer reviews."), code="invalid_department")
    if not may_speak_for(department, user):
        raise PermissionDenied(_("Only the department's members give its opinion."))
    opinion = (opinion or "").strip()[:500]
    if not agreed and not opinion:
        raise ApplicationError(_("Say why the department disagrees."), code="opinion_required")
    row, _created = ReviewOpinion.objects.update_or_create(
        review=review,
        department=department,
        defaults={"agreed": agreed, "opinion": opinion, "given_by": user},
    )
    verdict = _("yes") if agreed else _("no")
    _log(review, "opinion", user, f"{department.code}: {verdict}. {opinion}")
    return row


def departments_agreed(review: RequirementReview) -> bool:
    needed = set(Department.objects.filter(active=True).values_list("pk", flat=True))
    agreed = set(
        ReviewOpinion.objects.filter(review=review, agreed=True).values_list(
            "department_id", flat=True
        )
    )
    return bool(needed) and needed <= agreed


@transaction.atomic
def requirement_review_confirm(
    *, review: RequirementReview, promised_date: dt.date, user
) -> RequirementReview:
    """Price and delivery date confirmed to the customer: the contract's draft
    may now be submitted (and is then a C contract proceeding as B)."""
    order = locked_order(review.order_id)
    review = locked(RequirementReview.objects).get(pk=review.pk)
    if promised_date is None:
        raise ApplicationError(_("Enter the promised delivery date."), code="date_required")
    if promised_date < company_today():
        raise ApplicationError(
            _("The promised delivery date cannot be in the past."), code="date_in_past"
        )
    review.departments_agreed = departments_agreed(review)
    now = timezone.now()
    run_transition(
        review,
        "confirm",
        user=user,
        document_type=DOC,
        by=user,
        at=now,
        promised_date=promised_date,
    )
    sales_order_confirm_requirements(order=order, promised_date=promised_date, at=now)
    return review


@transaction.atomic
def requirement_review_cancel(*, review: RequirementReview, user) -> RequirementReview:
    review = locked(RequirementReview.objects).get(pk=review.pk)
    return run_transition(review, "cancel", user=user, document_type=DOC)
