"""Target progress and a month's commission basis computed again here in
plain Python from the business facts (what was delivered at which price,
returned, allowed, invoiced and paid), compared with the product's figures;
and a closed month that later events do not change."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest

from finance.invoicing import invoices_issue_due
from finance.services import payment_record
from returns.services.allowances import allowance_approve, allowance_create, allowance_submit
from sales.enums import CommissionBasis, CommissionLineKind
from sales.models import CommissionMonth, CommissionRule, SalesTeam
from sales.selectors import commission as commission_selectors
from sales.selectors.progress import target_progress
from sales.services.commission import commission_month_close, commission_rule_set
from sales.services.targets import TargetLineInput
from salesadmin.clock import add_months, company_today, month_end
from salesadmin.errors import ApplicationError, ConflictError
from tests.factories import InvoiceFactory
from tests.finance.invoice_world import dispatched_on
from tests.returns.world import ReturnWorld
from tests.sales.targets_world import (
    approved_target,
    bottled_group,
    credit_customer,
    salesperson,
)

pytestmark = pytest.mark.django_db
CENT = Decimal("0.01")
PRICE = {"T-O2-40L": Decimal("30.00"), "T-LO2": Decimal("1.50"), "T-AR-40L": Decimal("80.00")}
QTY = {"T-O2-40L": Decimal("10"), "T-LO2": Decimal("100"), "T-AR-40L": Decimal("5")}
NOTE = sum(PRICE[k] * QTY[k] for k in PRICE)  # 300 + 150 + 400 = 850


def _note(chain, customer):
    return chain.dispatched(chain.stamped(chain.note(chain.order(customer=customer))))


@pytest.fixture
def facts(chain, clerk, manager, finance):
    """Wang: two notes this month, one last month, a return of 2 O2 cylinders
    this month, an overdue invoice; Li: one note this month with an allowance."""
    from salesadmin.roles import Role
    from tests.factories import UserFactory

    today = company_today()
    wang, li = salesperson("wang"), salesperson("li")
    inspector = UserFactory(username="inspector", roles=[Role.QUALITY_INSPECTOR])
    returns = ReturnWorld(chain=chain, inspector=inspector)
    wang_customer = credit_customer("王的客户", wang)
    li_customer = credit_customer("李的客户", li)
    group = bottled_group(chain)
    last_month = add_months(today.replace(day=1), -1)
    old = dispatched_on(_note(chain, wang_customer), last_month + dt.timedelta(days=9))
    # Last month's note is invoiced now, due at this month's end (monthly terms).
    [in_terms] = invoices_issue_due(today=today)
    assert in_terms.customer_id == wang_customer.pk and in_terms.amount == NOTE
    # An older invoice, 10 days overdue.
    overdue = InvoiceFactory(
        customer=wang_customer,
        amount=Decimal("500.00"),
        issue_date=today - dt.timedelta(days=40),
        period_start=today - dt.timedelta(days=40),
        period_end=today - dt.timedelta(days=40),
        due_date=today - dt.timedelta(days=10),
        charged=True,
    )
    wang_notes = [_note(chain, wang_customer), _note(chain, wang_customer)]
    li_note = _note(chain, li_customer)
    # The customer pays 1,000: oldest due first, the overdue 500, then 500 in terms.
    payment_record(customer=wang_customer, amount="1000.00", user=finance, reference="B-1")
    # Two O2 cylinders come back from Wang's first note; Li's customer gets 100 off.
    returns.received(note=wang_notes[0], quantities=["2", "0", "0"])
    allowance = allowance_submit(
        allowance=allowance_create(
            user=clerk,
            delivery_note=li_note,
            reason="quality",
            customer_reference="ZR-1",
            amount=Decimal("100.00"),
        ),
        user=clerk,
    )
    allowance_approve(allowance=allowance, user=returns.approver("department_head", "head"))
    month = today.month
    approved_target(
        clerk=clerk,
        manager=manager,
        lines=[
            TargetLineInput(month=month, salesperson_id=wang.pk, amount=Decimal("3000")),
            TargetLineInput(
                month=month,
                salesperson_id=wang.pk,
                amount=Decimal("1200"),
                product_group=group,
                quantity=Decimal("40"),
            ),
            TargetLineInput(month=month, salesperson_id=li.pk, amount=Decimal("600")),
        ],
    )
    return {
        "today": today,
        "wang": wang,
        "li": li,
        "group": group,
        "old": old,
        "in_terms": in_terms,
        "overdue": overdue,
        "wang_customer": wang_customer,
        "li_customer": li_customer,
        "returns": returns,
        "li_note": li_note,
    }


def _run_rate(actual: Decimal, first: dt.date, last: dt.date, today: dt.date) -> Decimal:
    days = (last - first).days + 1
    elapsed = (min(today, last) - first).days + 1
    return (actual * days / elapsed).quantize(CENT, ROUND_HALF_UP)


def test_target_progress_matches_a_plain_computation(facts):
    today = facts["today"]
    first, last = today.replace(day=1), month_end(today)
    # By hand: Wang sold two notes this month, less two O2 cylinders returned.
    returned = 2 * PRICE["T-O2-40L"]
    wang_actual = 2 * NOTE - returned
    wang_previous = NOTE
    bottled = 2 * (QTY["T-O2-40L"] * PRICE["T-O2-40L"] + QTY["T-AR-40L"] * PRICE["T-AR-40L"])
    bottled_actual = bottled - returned
    bottled_cylinders = 2 * (QTY["T-O2-40L"] + QTY["T-AR-40L"]) - 2
    li_actual = NOTE - Decimal("100.00")

    progress = target_progress(first, last, today=today)

    rows = {r.salesperson_id: r for r in progress.rows}
    wang, li = rows[facts["wang"].pk], rows[facts["li"].pk]
    assert wang.figure.target == Decimal("3000.00")
    assert wang.figure.actual == wang_actual
    assert wang.figure.gap == Decimal("3000.00") - wang_actual
    assert wang.figure.previous == wang_previous
    assert wang.figure.change == ((wang_actual - wang_previous) * 100 / wang_previous).quantize(
        Decimal("0.1"), ROUND_HALF_UP
    )
    assert wang.figure.run_rate == _run_rate(wang_actual, first, last, today)
    [bottles] = wang.groups
    assert bottles.group == facts["group"]
    assert bottles.figure.target == Decimal("1200.00")
    assert bottles.figure.target_quantity == Decimal("40.000")
    assert bottles.figure.actual == bottled_actual
    assert bottles.figure.actual_quantity == bottled_cylinders
    assert li.figure.actual == li_actual and li.figure.target == Decimal("600.00")
    assert li.figure.previous == 0 and li.figure.change is None
    assert progress.total.target == Decimal("3600.00")
    assert progress.total.actual == wang_actual + li_actual

    # A part of the month gets the month's target in proportion to its days.
    mid = first + dt.timedelta(days=9)
    part = target_progress(first, mid, salesperson_id=facts["wang"].pk, today=today)
    days_in_month = (last - first).days + 1
    [wang_part] = part.rows
    assert wang_part.figure.target == (Decimal("3000") * 10 / days_in_month).quantize(CENT)


def _plain_commission(facts) -> dict:
    """By hand: Wang on collected-within-terms at 2%, Li (through the team) on net sales at 1.5%."""
    # Wang's 1,000 paid today: 500 to the invoice 10 days overdue (counts nothing),
    # 500 to last month's invoice within its terms.
    wang_basis = Decimal("500.00")
    li_basis = NOTE - Decimal("100.00")
    return {
        "wang": (wang_basis, (wang_basis * Decimal("0.02")).quantize(CENT)),
        "li": (li_basis, (li_basis * Decimal("0.015")).quantize(CENT, ROUND_HALF_UP)),
    }


def _rules(facts, manager):
    start = facts["today"].replace(day=1)
    commission_rule_set(
        user=manager,
        salesperson=facts["wang"],
        basis=CommissionBasis.COLLECTED_WITHIN_TERMS,
        rate=Decimal("2"),
        valid_from=start,
    )
    team = SalesTeam.objects.create(name="东区")
    team.members.add(facts["li"], facts["wang"])
    commission_rule_set(
        user=manager, team=team, basis=CommissionBasis.SALES, rate=Decimal("1.5"), valid_from=start
    )


def test_commission_basis_matches_a_plain_computation(facts, manager):
    _rules(facts, manager)
    expected = _plain_commission(facts)

    found = {s.salesperson_id: s for s in commission_selectors.statements(facts["today"])}

    wang, li = found[facts["wang"].pk], found[facts["li"].pk]
    assert wang.basis == CommissionBasis.COLLECTED_WITHIN_TERMS  # own rule beats the team's
    assert (wang.basis_amount, wang.commission) == expected["wang"]
    by_invoice = {ln.invoice: ln for ln in wang.lines}
    assert by_invoice[facts["overdue"].number].amount == Decimal("500.00")
    assert by_invoice[facts["overdue"].number].counted == 0
    assert by_invoice[facts["in_terms"].number].counted == Decimal("500.00")
    assert {ln.kind for ln in wang.lines} == {CommissionLineKind.ALLOCATION}  # credits are no money
    assert li.basis == CommissionBasis.SALES
    assert (li.basis_amount, li.commission) == expected["li"]
    assert sorted(ln.counted for ln in li.lines) == [Decimal("-100.00"), NOTE]


def test_a_closed_month_is_unchanged_by_later_events(facts, manager, finance, monkeypatch):
    _rules(facts, manager)
    today = facts["today"]
    expected = _plain_commission(facts)
    next_month = add_months(today.replace(day=1), 1)

    # Not before the month has ended.
    with pytest.raises(ApplicationError) as refused:
        commission_month_close(user=finance, month=today)
    assert refused.value.code == "month_not_ended"

    # Given the month closed once it is over
    monkeypatch.setattr("sales.models.commission.company_today", lambda: next_month)
    closed = commission_month_close(user=finance, month=today)
    assert closed.status == "closed"
    with pytest.raises(ConflictError):
        commission_month_close(user=finance, month=today)

    # When more money comes in, and Li's customer returns goods next month
    payment_record(customer=facts["wang_customer"], amount="350.00", user=finance, reference="B-2")
    monkeypatch.setattr("finance.credit_notes.company_today", lambda: next_month)
    returns = facts["returns"]
    returns.received(note=facts["li_note"], quantities=["1", "0", "0"])

    # Then the closed month shows what it showed
    found = {s.salesperson_id: s for s in commission_selectors.statements(today)}
    assert (found[facts["wang"].pk].basis_amount, found[facts["wang"].pk].commission) == expected[
        "wang"
    ]
    assert (found[facts["li"].pk].basis_amount, found[facts["li"].pk].commission) == expected["li"]
    assert all(s.closed for s in found.values())
    # though the documents alone would now say otherwise for this month
    live = {s.salesperson_id: s for s in commission_selectors.live_statements(today)}
    # (the 350 settles what was left of last month's invoice: 850 − 500 paid − 60 returned)
    left = NOTE - Decimal("500.00") - 2 * PRICE["T-O2-40L"]
    assert live[facts["wang"].pk].basis_amount == expected["wang"][0] + left
    # and the late return lands in the month it was received
    [late] = commission_selectors.live_statements(next_month, salesperson_id=facts["li"].pk)
    assert [ln.counted for ln in late.lines] == [-PRICE["T-O2-40L"]]
    assert CommissionMonth.objects.get(month=today.replace(day=1)).closed_by == finance


def test_a_rule_cannot_start_in_a_closed_month(facts, manager, finance, monkeypatch):
    today = facts["today"]
    monkeypatch.setattr(
        "sales.models.commission.company_today", lambda: add_months(today.replace(day=1), 1)
    )
    commission_month_close(user=finance, month=today)
    with pytest.raises(ApplicationError) as refused:
        commission_rule_set(
            user=manager,
            salesperson=facts["wang"],
            basis=CommissionBasis.SALES,
            rate=Decimal("1"),
            valid_from=today,
        )
    assert refused.value.code == "month_closed"
    assert not CommissionRule.objects.exists()


def test_totals_only_progress_matches_the_full_one(facts):
    today = facts["today"]
    first, last = today.replace(day=1), month_end(today)
    full = {r.salesperson_id: r.figure for r in target_progress(first, last, today=today).rows}
    totals = target_progress(first, last, today=today, groups=False)
    assert all(not r.groups for r in totals.rows)
    for row in totals.rows:
        f = full[row.salesperson_id]
        assert (row.figure.target, row.figure.actual, row.figure.previous) == (
            f.target,
            f.actual,
            f.previous,
        )
