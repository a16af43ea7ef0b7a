"""Two people at once: a month is closed once, a year gets one first target,
and a revision's approval leaves exactly one target in force."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from sales.enums import TargetStatus
from sales.models import CommissionLine, CommissionStatement, SalesTarget
from sales.services.commission import commission_month_close
from sales.services.targets import (
    TargetLineInput,
    sales_target_approve,
    sales_target_create,
    sales_target_lines_save,
    sales_target_revise,
    sales_target_submit,
)
from salesadmin.clock import add_months, company_today
from salesadmin.models import TransitionLog
from salesadmin.roles import Role
from tests.factories import UserFactory
from tests.racing import run_together
from tests.sales.targets_world import approved_target, credit_customer, salesperson

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_month_is_closed_once_under_concurrent_closings(chain, finance, monkeypatch):
    wang = salesperson("wang")
    customer = credit_customer("王的客户", wang)
    chain.dispatched(chain.stamped(chain.note(chain.order(customer=customer))))
    month = company_today().replace(day=1)
    monkeypatch.setattr("sales.models.commission.company_today", lambda: add_months(month, 1))
    closers = [finance] + [UserFactory(username=f"fin{i}", roles=[Role.FINANCE]) for i in range(3)]

    outcomes = run_together(lambda i: commission_month_close(user=closers[i], month=month), n=4)

    assert Counter(kind for kind, _ in outcomes) == {"ok": 1, "conflict": 3}, outcomes
    assert CommissionStatement.objects.count() == 1
    assert CommissionLine.objects.count() == 1
    assert TransitionLog.objects.filter(document_type="commission_month").count() == 1


def test_one_first_target_per_year_under_concurrent_creation(clerk):
    users = [clerk] + [UserFactory(username=f"c{i}", roles=[Role.SALES_CLERK]) for i in range(3)]

    outcomes = run_together(lambda i: sales_target_create(user=users[i], year=2031), n=4)

    kinds = Counter(kind for kind, _ in outcomes)
    assert kinds["ok"] == 1 and kinds["ok"] + kinds["conflict"] + kinds["refused"] == 4, outcomes
    assert SalesTarget.objects.filter(year=2031).count() == 1


def test_concurrent_approvals_leave_one_target_in_force(clerk, manager):
    wang = salesperson("wang")
    line = TargetLineInput(month=1, salesperson_id=wang.pk, amount=Decimal("100"))
    in_force = approved_target(clerk=clerk, manager=manager, lines=[line], year=2031)
    revision = sales_target_revise(user=clerk, target=in_force, reason="调整")
    sales_target_lines_save(user=clerk, target=revision, lines=[line])
    sales_target_submit(user=clerk, target=revision)
    managers = [manager] + [UserFactory(username=f"m{i}", roles=[Role.MANAGER]) for i in range(3)]

    outcomes = run_together(lambda i: sales_target_approve(user=managers[i], target=revision), n=4)

    assert Counter(kind for kind, _ in outcomes) == {"ok": 1, "conflict": 3}, outcomes
    statuses = dict(SalesTarget.objects.filter(year=2031).values_list("version", "status"))
    assert statuses == {1: TargetStatus.SUPERSEDED, 2: TargetStatus.APPROVED}
