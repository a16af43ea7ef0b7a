"""A sample and an advertising outbound driven through the warehouse and the
gate in a real browser (issue 11): the clerk applies, the department head
approves, the clerk issues the outbound slip, the keeper loads it, the guard
lets it out; the same for a request report with the accountant's and the
manager's opinions and the deputy general manager's approval. Then the
selling expense report and the three-way reconciliation count both, and the
sales figures and the receivables do not."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from finance.models import ReceivableEntry
from orders.enums import NoteKind, NoteStatus
from outbound.enums import RequestStatus, SampleStatus
from outbound.models import NonSaleRequest, SampleApplication
from reports.selectors.definitions import sold_lines
from salesadmin.clock import company_today
from tests.factories import approver_at

pytestmark = pytest.mark.django_db(transaction=True)


def _url_path(pattern: str) -> re.Pattern:
    return re.compile(rf"^https?://[^/]+{pattern}(\?.*)?$")


def _approver(code: str, username: str):
    return approver_at(code, username)


def _act(page: Page, label: str, fields: dict | None = None) -> None:
    """Fill an action card's fields and press its button."""
    card = page.locator("form.card").filter(has=page.get_by_role("heading", name=label))
    for name, value in (fields or {}).items():
        card.get_by_label(name).fill(value)
    card.get_by_role("button", name=label).click()


def _load_and_let_out(roles, keeper_user, guard_user, note, plate: str) -> None:
    keeper = roles.log_in(keeper_user)
    keeper.goto(f"/orders/notes/{note.pk}/dispatch/")
    expect(keeper.get_by_role("heading", level=1)).to_have_text(f"Load note {note.number}")
    keeper.get_by_role("button", name="Record loading").click()
    expect(keeper).to_have_url(_url_path(rf"/orders/notes/{note.pk}/"))
    expect(keeper.locator(".page-header")).to_contain_text("Loaded, waiting at the gate")
    gate = roles.log_in(guard_user)
    gate.goto("/orders/gate/")
    gate.get_by_label("Pass code").fill(f"{note.pass_code[:4]}-{note.pass_code[4:]}")
    gate.get_by_role("button", name="Check").click()
    verdict = gate.locator("#gate-result [data-verdict]")
    expect(verdict).to_have_attribute("data-verdict", "pass")
    # The pass shows goods only: no value at cost.
    expect(verdict).not_to_contain_text(str(note.value))
    gate.get_by_label("Vehicle plate").fill(plate)
    gate.get_by_role("button", name=re.compile(r"^Let out")).click()
    expect(verdict).to_have_attribute("data-verdict", "out")
    roles.snap(f"guard out {note.number}", gate)


def test_a_sample_and_an_advertising_outbound_leave_through_the_gate(
    live_server, chain, guard, roles
):
    for product, cost in zip(chain.products, ["12.00", "0.80", "45.00"], strict=True):
        product.standard_cost = Decimal(cost)
        product.save(update_fields=["standard_cost"])
    head = _approver("department_head", "head")
    deputy = _approver("deputy_general_manager", "deputy")
    today = company_today()
    sold_before = sorted(sold_lines(today, today).values_list("pk", flat=True))
    ledger_before = ReceivableEntry.objects.count()

    # 1. Clerk: a sample application for a prospect, submitted.
    clerk = roles.log_in(chain.clerk)
    clerk.goto("/outbound/samples/new/")
    clerk.get_by_label("Or the prospect's name").fill("湖州意向客户")
    clerk.get_by_label("Product 1").select_option(value=str(chain.products[0].pk))
    clerk.get_by_label("Quantity 1").fill("3")
    clerk.get_by_role("button", name="Save as draft").click()
    expect(clerk).to_have_url(_url_path(r"/outbound/samples/\d+/"))
    sample = SampleApplication.objects.get()
    _act(clerk, "Submit for approval")
    expect(clerk.locator("h1")).to_contain_text("Waiting for approval")
    roles.snap("clerk sample submitted", clerk)

    # 2. Department head approves (3 pieces of one specification: within the limit).
    manager = roles.log_in(head)
    manager.goto(f"/outbound/samples/{sample.pk}/")
    _act(manager, "Approve", {"Comment": "同意"})
    expect(manager.locator("h1")).to_contain_text("Approved")
    sample.refresh_from_db()
    assert sample.status == SampleStatus.APPROVED

    # 3. Clerk issues the outbound slip: a sample note, released without a stamp.
    clerk.goto(f"/outbound/samples/{sample.pk}/")
    _act(clerk, "Issue the outbound slip", {"Vehicle plate": "浙E55555"})
    expect(clerk.locator("#outbound-slip")).to_contain_text("Stamped, waiting for the warehouse")
    sample.refresh_from_db()
    assert sample.note.kind == NoteKind.SAMPLE

    # 4. Keeper loads, guard lets it out.
    _load_and_let_out(roles, chain.keeper, guard, sample.note, "浙E55555")
    sample.note.refresh_from_db()
    assert sample.note.status == NoteStatus.EXITED

    # 5. An advertising request report through its three opinions.
    clerk.goto("/outbound/requests/new/")
    clerk.get_by_label("Purpose").select_option(value="advertising")
    clerk.get_by_label("For whom or which event").fill("工业气体展")
    clerk.get_by_label("Reason").fill("展会陈列")
    clerk.get_by_label("Product 1").select_option(value=str(chain.products[2].pk))
    clerk.get_by_label("Quantity 1").fill("1")
    clerk.get_by_role("button", name="Save as draft").click()
    expect(clerk).to_have_url(_url_path(r"/outbound/requests/\d+/"))
    report = NonSaleRequest.objects.get()
    _act(clerk, "Submit for approval")
    finance = roles.log_in(chain.finance)
    finance.goto(f"/outbound/requests/{report.pk}/")
    _act(finance, "Give the accountant's opinion", {"Opinion": "可列入广告费"})
    expect(finance.locator("h1")).to_contain_text("Waiting for the manager")
    boss = roles.log_in(chain.manager)
    boss.goto(f"/outbound/requests/{report.pk}/")
    _act(boss, "Give the manager's opinion", {"Opinion": "同意"})
    expect(boss.locator("h1")).to_contain_text("Waiting for approval")
    approver = roles.log_in(deputy)
    approver.goto(f"/outbound/requests/{report.pk}/")
    _act(approver, "Approve", {"Comment": "批准"})
    expect(approver.locator("h1")).to_contain_text("Approved")
    clerk.goto(f"/outbound/requests/{report.pk}/")
    _act(clerk, "Issue the outbound slip", {"Vehicle plate": "浙E66666"})
    report.refresh_from_db()
    assert report.status == RequestStatus.APPROVED and report.note.kind == NoteKind.NON_SALE
    _load_and_let_out(roles, chain.keeper, guard, report.note, "浙E66666")

    # 6. The expense report counts both at cost; the reconciliation their goods.
    boss.goto("/outbound/expenses/")
    rows = boss.locator("#expense-rows")
    expect(rows).to_contain_text("Sample")
    expect(rows).to_contain_text("36.00")  # 3 × 12.00
    expect(rows).to_contain_text("Advertising")
    expect(rows).to_contain_text("45.00")
    roles.snap("manager selling expense", boss)
    boss.goto(f"/reports/reconciliation/?month={today:%Y-%m}")
    expect(boss.locator("main")).to_contain_text(chain.products[0].name)
    roles.snap("manager reconciliation", boss)

    # 7. Sales figures and receivables do not count them.
    assert sorted(sold_lines(today, today).values_list("pk", flat=True)) == sold_before
    assert ReceivableEntry.objects.count() == ledger_before
