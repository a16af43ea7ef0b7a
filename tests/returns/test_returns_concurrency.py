"""Returns and allowances under parallel load, on PostgreSQL with real threads.

The data is made in the main thread and committed (transactional test); the
threads start together at a barrier and contend for the same rows.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum

from approvals.models import ApprovalAssignment, ApprovalLevel
from finance.enums import EntryKind
from finance.models import CreditNote, ReceivableEntry
from inventory.enums import MoveKind
from inventory.models import StockMove
from returns.enums import ReturnReason, ReturnStatus
from returns.models import Allowance, ReturnApplication, ReturnLine
from returns.services.allowances import allowance_approve
from returns.services.return_applications import (
    ReturnLineInput,
    return_application_create,
    return_application_receive,
)
from salesadmin.models import TransitionLog
from salesadmin.roles import Role
from tests import racing
from tests.factories import UserFactory
from tests.racing import errors, tally

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 8


def staff(role: Role, n: int = RACERS) -> list[int]:
    return [UserFactory(username=f"{role}{i}", roles=[role]).pk for i in range(n)]


def user(pk: int):
    return get_user_model().objects.get(pk=pk)


def test_racing_returns_never_take_more_than_was_delivered(world):
    note = world.note()
    line = note.lines.order_by("id").first()  # 10 delivered
    world.filed(note, quantities=["7", "0", "0"])
    clerks = staff(Role.SALES_CLERK)

    def work(i):
        return return_application_create(
            delivery_note=note,
            user=user(clerks[i]),
            customer_document=f"TH-{i}",
            lines=[
                ReturnLineInput(note_line=line, quantity=Decimal("2"), reason=ReturnReason.QUALITY)
            ],
        )

    outcomes = racing.run_together(work, RACERS)

    assert errors(outcomes) == []
    assert tally(outcomes) == {"ok": 1, "refused": RACERS - 1}
    assert {exc.code for kind, exc in outcomes if kind == "refused"} == {"over_returnable"}
    claimed = ReturnLine.objects.filter(note_line=line).aggregate(s=Sum("quantity"))["s"]
    assert claimed == Decimal("9") <= line.actual_quantity
    numbers = sorted(ReturnApplication.objects.values_list("number", flat=True))
    assert [n[-6:] for n in numbers] == ["000001", "000002"]


def test_racing_receipts_of_one_return_move_stock_and_credit_once(world):
    approved = world.approved()
    keepers = staff(Role.WAREHOUSE_KEEPER)

    outcomes = racing.run_together(
        lambda i: return_application_receive(
            application=ReturnApplication.objects.get(pk=approved.pk), user=user(keepers[i])
        ),
        RACERS,
    )

    assert errors(outcomes) == []
    assert tally(outcomes) == {"ok": 1, "conflict": RACERS - 1}
    assert ReturnApplication.objects.get(pk=approved.pk).status == ReturnStatus.RECEIVED
    assert StockMove.objects.filter(kind=MoveKind.RETURN).count() == 1
    assert CreditNote.objects.count() == 1
    assert ReceivableEntry.objects.filter(kind=EntryKind.CREDIT_NOTE).count() == 1
    assert TransitionLog.objects.filter(transition="receive").count() == 1


def _general_managers(n: int) -> list[int]:
    ids = []
    level = ApprovalLevel.objects.get(code="general_manager")
    for pk in staff(Role.MANAGER, n):
        ApprovalAssignment.objects.create(user_id=pk, level=level)
        ids.append(pk)
    return ids


def test_racing_approvals_of_one_allowance_credit_once(world):
    allowance = world.allowance(amount="300.00")
    approvers = _general_managers(RACERS)

    outcomes = racing.run_together(
        lambda i: allowance_approve(
            allowance=Allowance.objects.get(pk=allowance.pk), user=user(approvers[i])
        ),
        RACERS,
    )

    assert errors(outcomes) == []
    assert tally(outcomes) == {"ok": 1, "conflict": RACERS - 1}
    assert CreditNote.objects.get().amount == Decimal("300.00")
    assert ReceivableEntry.objects.filter(kind=EntryKind.CREDIT_NOTE).count() == 1


def test_credit_note_numbers_stay_gapless_under_concurrent_approval(world):
    # Each racer approves an allowance of its own, for customers of their own
    # and one shared: the numbers are 1..n, no gap and no repeat.
    allowances = [world.allowance(amount=f"{10 + i}.00").pk for i in range(RACERS)]
    approvers = _general_managers(RACERS)

    outcomes = racing.run_together(
        lambda i: allowance_approve(
            allowance=Allowance.objects.get(pk=allowances[i]), user=user(approvers[i])
        ),
        RACERS,
    )

    assert errors(outcomes) == []
    assert tally(outcomes) == {"ok": RACERS}
    numbers = sorted(CreditNote.objects.values_list("number", flat=True))
    assert [int(n[-6:]) for n in numbers] == list(range(1, RACERS + 1))
