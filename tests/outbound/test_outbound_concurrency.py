"""Real threads on PostgreSQL: racing approvals of one document have one outcome;
racing slips never take more stock than there is."""

from __future__ import annotations

from decimal import Decimal

import pytest

from approvals.models import ApprovalLevel, ApprovalStep
from inventory.models import StockLevel
from outbound.enums import RequestStatus, SampleStatus
from outbound.models import NonSaleRequest, SampleApplication
from outbound.services.requests import non_sale_request_approve, non_sale_request_reject
from outbound.services.samples import (
    sample_application_approve,
    sample_application_issue_slip,
)
from salesadmin.models import TransitionLog
from tests import racing
from tests.factories import approver_at
from tests.racing import errors, tally

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 6


def _approvers(code: str, n: int = RACERS):
    level = ApprovalLevel.objects.get(code=code)
    people = []
    for i in range(n):
        people.append(approver_at(level, f"{code}-{i}"))
    return people


def test_racing_approvals_of_one_sample_have_one_outcome(world):
    application = world.sample()
    heads = _approvers("department_head")

    outcomes = racing.run_together(
        lambda i: sample_application_approve(
            application=SampleApplication.objects.get(pk=application.pk), user=heads[i]
        ),
        RACERS,
    )

    assert errors(outcomes) == []
    assert tally(outcomes) == {"ok": 1, "conflict": RACERS - 1}
    application.refresh_from_db()
    assert application.status == SampleStatus.APPROVED
    assert ApprovalStep.objects.filter(document_type="sample_application").count() == 1


def test_an_approval_and_a_rejection_racing_have_one_outcome(world):
    request = world.request(upto="endorsed")
    deputies = _approvers("deputy_general_manager", 2)

    def work(i):
        fresh = NonSaleRequest.objects.get(pk=request.pk)
        if i == 0:
            return non_sale_request_approve(request=fresh, user=deputies[0])
        return non_sale_request_reject(request=fresh, user=deputies[1], comment="不同意")

    outcomes = racing.run_together(work, 2)

    assert errors(outcomes) == []
    assert tally(outcomes) == {"ok": 1, "conflict": 1}
    request.refresh_from_db()
    assert request.status in (RequestStatus.APPROVED, RequestStatus.REJECTED)
    assert ApprovalStep.objects.filter(document_type="non_sale_request").count() == 1
    assert (
        TransitionLog.objects.filter(
            document_type="non_sale_request", transition__in=["approve", "reject"]
        ).count()
        == 1
    )


def test_racing_slips_of_one_sample_issue_one_note(world):
    application = world.approved_sample()

    outcomes = racing.run_together(
        lambda i: sample_application_issue_slip(
            application=SampleApplication.objects.get(pk=application.pk), user=world.clerk
        ),
        RACERS,
    )

    assert errors(outcomes) == []
    assert tally(outcomes)["ok"] == 1
    level = StockLevel.objects.get(product=world.products[0], warehouse=world.chain.warehouse)
    assert level.reserved == Decimal("3")
