"""Sales targets: drafted by sales, approved by a manager (logged), revised as
a new version; each rule's allowed path and its refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from sales.enums import TargetStatus
from sales.selectors.progress import target_progress
from sales.services.targets import (
    TargetLineInput,
    sales_target_approve,
    sales_target_create,
    sales_target_lines_save,
    sales_target_reject,
    sales_target_revise,
    sales_target_submit,
)
from salesadmin.clock import company_today, month_end
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.models import TransitionLog
from tests.sales.targets_world import approved_target, salesperson

pytestmark = pytest.mark.django_db


def _line(person, amount="1000", month=None):
    return TargetLineInput(
        month=month or company_today().month, salesperson_id=person.pk, amount=Decimal(amount)
    )


def test_drafted_submitted_and_approved_with_a_log_row_each(clerk, manager):
    wang = salesperson("wang")
    target = sales_target_create(user=clerk, year=2026)
    sales_target_lines_save(user=clerk, target=target, lines=[_line(wang, month=1)])
    sales_target_submit(user=clerk, target=target)
    target = sales_target_approve(user=manager, target=target, comment="同意")
    assert target.status == TargetStatus.APPROVED
    assert target.approved_by == manager and target.decision_comment == "同意"
    log = TransitionLog.objects.filter(document_type="sales_target", document_id=target.pk)
    assert [(r.transition, r.user) for r in log] == [("submit", clerk), ("approve", manager)]


def test_only_a_manager_approves(clerk, manager):
    target = sales_target_create(user=clerk, year=2026)
    sales_target_lines_save(user=clerk, target=target, lines=[_line(salesperson("wang"))])
    sales_target_submit(user=clerk, target=target)
    with pytest.raises(PermissionDenied):
        sales_target_approve(user=clerk, target=target)
    target.refresh_from_db()
    assert target.status == TargetStatus.SUBMITTED


def test_an_empty_target_cannot_be_submitted(clerk):
    target = sales_target_create(user=clerk, year=2026)
    with pytest.raises(ApplicationError) as refused:
        sales_target_submit(user=clerk, target=target)
    assert refused.value.code == "no_lines"


def test_a_submitted_target_cannot_be_edited_and_a_rejected_one_can(clerk, manager):
    wang = salesperson("wang")
    target = sales_target_create(user=clerk, year=2026)
    sales_target_lines_save(user=clerk, target=target, lines=[_line(wang)])
    sales_target_submit(user=clerk, target=target)
    with pytest.raises(ConflictError):
        sales_target_lines_save(user=clerk, target=target, lines=[_line(wang, "5")])
    with pytest.raises(ApplicationError) as refused:
        sales_target_reject(user=manager, target=target, comment="")
    assert refused.value.code == "comment_required"
    target = sales_target_reject(user=manager, target=target, comment="太低")
    assert target.status == TargetStatus.DRAFT
    sales_target_lines_save(user=clerk, target=target, lines=[_line(wang, "5")])
    assert target.lines.get().amount == Decimal("5.00")


def test_bad_lines_are_refused(clerk):
    wang = salesperson("wang")
    target = sales_target_create(user=clerk, year=2026)
    for lines, code in [
        ([_line(wang, month=13)], "invalid_month"),
        ([_line(wang, "-1")], "invalid_amount"),
        ([_line(wang), _line(wang)], "duplicate_line"),
        (
            [TargetLineInput(month=1, salesperson_id=wang.pk, amount=1, quantity=Decimal("3"))],
            "quantity_without_unit",
        ),
        ([TargetLineInput(month=1, salesperson_id=999999, amount=1)], "invalid_salesperson"),
    ]:
        with pytest.raises(ApplicationError) as refused:
            sales_target_lines_save(user=clerk, target=target, lines=lines)
        assert refused.value.code == code
    with pytest.raises(ApplicationError) as refused:
        sales_target_create(user=clerk, year=2026)
    assert refused.value.code == "target_exists"


def test_a_revision_replaces_the_target_in_force_when_approved(clerk, manager):
    wang = salesperson("wang")
    today = company_today()
    first, last = today.replace(day=1), month_end(today)
    old = approved_target(clerk=clerk, manager=manager, lines=[_line(wang, "1000")])
    with pytest.raises(ConflictError):
        sales_target_revise(user=clerk, target=sales_target_create_draft_guard(old), reason="x")

    revision = sales_target_revise(user=clerk, target=old, reason="市场变化")
    assert (revision.version, revision.revises, revision.status) == (2, old, TargetStatus.DRAFT)
    with pytest.raises(ConflictError) as refused:
        sales_target_revise(user=clerk, target=old, reason="again")
    assert refused.value.code == "revision_open"
    sales_target_lines_save(user=clerk, target=revision, lines=[_line(wang, "1500")])
    # Until approved, progress reads the version in force.
    assert target_progress(first, last).total.target == Decimal("1000.00")
    sales_target_submit(user=clerk, target=revision)
    sales_target_approve(user=manager, target=revision)

    old.refresh_from_db()
    assert old.status == TargetStatus.SUPERSEDED
    assert old.lines.get().amount == Decimal("1000.00")  # the history stays
    assert target_progress(first, last).total.target == Decimal("1500.00")


def sales_target_create_draft_guard(target):
    """A draft of another year: revising anything but the target in force is refused."""
    from sales.models import SalesTarget

    return SalesTarget.objects.create(year=target.year + 1, created_by=target.created_by)


def test_finance_may_not_draft_targets(finance):
    with pytest.raises(PermissionDenied):
        sales_target_create(user=finance, year=2026)
