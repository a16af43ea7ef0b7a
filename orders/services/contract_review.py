"""The contract review (合同评审, seed 002 1.1.4) of a formal contract: the
sales department head checks it (市场部部长核对), the sales director approves it
(销售厂长审批) before it takes effect; an amount above the director's limit goes
on to the next level (approvals/). Every step is an approval step and a
transition log row; a rejection needs a comment.

Two reviewers acting at once: the order's row lock serializes them, and the
second finds the order moved on (a different waiting level, or no longer
submitted) and is refused: one outcome.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from approvals.document_flow import LevelTransitions, approval_run, rejection_run
from approvals.services import approver_for, may_act_at
from orders import hooks
from orders.enums import OrderStatus
from orders.models import SalesOrder
from orders.services.sales_orders import DOC, contract_review_level, locked_order
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.transitions import check_transition

# The order's transitions of the review: its decisions take a remark.
REVIEW_TRANSITIONS = LevelTransitions(
    approve="review_approve", forward="review_forward", reject="review_reject"
)


def _expect_level(order: SalesOrder, expected_level_id: int | None) -> None:
    """A reviewer acts on what they saw: a page or API call may name the
    level it saw, and a review that moved on meanwhile is refused."""
    if expected_level_id is not None and order.review_level_id != expected_level_id:
        raise ConflictError(
            _("Someone else has reviewed this contract meanwhile."), code="stale_review"
        )


@transaction.atomic
def contract_review_approve(
    *, order: SalesOrder, user, comment: str = "", expected_level_id: int | None = None
) -> SalesOrder:
    """The reviewer's yes at the level the contract waits at: the check sends
    it to the approve level; an approval within the approver's limit makes it
    take effect, beyond it the contract goes on to the next level."""
    order = locked_order(order.pk)
    check_transition(order, "review_approve", user=user)
    _expect_level(order, expected_level_id)
    comment = (comment or "").strip()[:300]
    check = contract_review_level("check_level")
    approve = contract_review_level("approve_level")
    waiting = order.review_level or check  # submitted before the review existed: it starts now
    approval_run(
        order,
        user=user,
        document_type=DOC,
        amount=order.total,
        waiting=waiting,
        comment=comment,
        check_to=approve if waiting.pk == check.pk and approve.rank > check.rank else None,
        on_final=lambda: {"remark": comment},
        transitions=REVIEW_TRANSITIONS,
    )
    if order.status == OrderStatus.APPROVED:  # the final approval: the contract takes effect
        hooks.order_approved(order=order, user=user)
    return order


@transaction.atomic
def contract_review_reject(
    *, order: SalesOrder, user, comment: str, expected_level_id: int | None = None
) -> SalesOrder:
    comment = (comment or "").strip()[:300]
    if not comment:
        raise ApplicationError(_("Say why the contract is rejected."), code="comment_required")
    order = locked_order(order.pk)
    check_transition(order, "review_reject", user=user)
    _expect_level(order, expected_level_id)
    return rejection_run(
        order,
        user=user,
        document_type=DOC,
        amount=order.total,
        waiting=order.review_level or contract_review_level("check_level"),
        comment=comment,
        transitions=REVIEW_TRANSITIONS,
        remark=comment,
    )


def may_review(order: SalesOrder, user) -> bool:
    """Whether the user may act on the contract's review now (pages, API)."""
    if not order.formal or order.review_level_id is None:
        return False
    if not user.has_perm("orders.review_contract"):
        return False
    return may_act_at(approver_for(user), order.review_level)


def require_reviewer(order: SalesOrder, user) -> None:
    if not may_review(order, user):
        raise PermissionDenied
