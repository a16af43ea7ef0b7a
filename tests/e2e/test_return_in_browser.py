"""The whole return path in a real browser (DESIGN.md, "Returns"): the clerk
files a return against a dispatched note, the quality inspector inspects, the
manager approves, the keeper receives the goods back, finance finds the credit
note, and the customer's statement shows it. After each step the database and
the page agree."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from finance.enums import EntryKind
from finance.models import CreditNote, ReceivableEntry
from inventory.enums import MoveKind
from inventory.models import StockMove
from returns.enums import ReturnStatus
from returns.models import ReturnApplication
from salesadmin.clock import company_today
from salesadmin.roles import Role
from tests.e2e.pickers import choose
from tests.factories import UserFactory
from tests.returns.world import ReturnWorld

pytestmark = pytest.mark.django_db(transaction=True)


def _path(pattern: str) -> re.Pattern:
    return re.compile(rf"^https?://[^/]+{pattern}(\?.*)?$")


def test_file_inspect_approve_receive_credit_statement(live_server, chain, roles):
    inspector_user = UserFactory(username="inspector", roles=[Role.QUALITY_INSPECTOR])
    world = ReturnWorld(chain=chain, inspector=inspector_user)
    note = world.note()
    line = note.lines.order_by("id").first()  # 10 × 氧气 at 30.00

    # 1. Clerk: find the note, return 3 cylinders for a quality problem.
    clerk = roles.log_in(chain.clerk)
    clerk.goto("/returns/new/")
    choose(clerk, "note", note.number[-6:], note.number)  # the note picker, by part of its number
    clerk.get_by_role("button", name="Find the note").click()
    clerk.get_by_label(re.compile(r"^Quantity returned: T-O2-40L")).fill("3")
    clerk.get_by_label(re.compile(r"^Reason: T-O2-40L")).select_option("quality")
    clerk.get_by_label(re.compile(r"^Customer's document number")).fill("TH-2026-07")
    roles.snap("clerk return form", clerk)
    clerk.get_by_role("button", name="File the return").click()
    expect(clerk).to_have_url(_path(r"/returns/\d+/"))
    application = ReturnApplication.objects.get()
    assert application.total == Decimal("90.00")
    expect(clerk.locator("#return-value")).to_have_text("90.00")
    clerk.get_by_role("button", name="Submit for inspection").click()
    expect(clerk.locator("h1")).to_contain_text("Submitted")

    # 2. Inspector: the queue on the home page, then the inspection report.
    inspector = roles.log_in(inspector_user)
    expect(inspector.locator("main")).to_contain_text("Returned goods to inspect")
    inspector.get_by_role("link", name=application.number).first.click()
    row = application.lines.get()
    inspector.get_by_label(re.compile(r"^Result: T-O2-40L")).select_option("passed")
    inspector.get_by_label(re.compile(r"^Findings: T-O2-40L")).fill("瓶阀完好，可再充装")
    roles.snap("inspector report", inspector)
    inspector.get_by_role("button", name="Record the inspection").click()
    expect(inspector.locator("h1")).to_contain_text("Inspected")
    row.refresh_from_db()
    assert row.result == "passed" and row.inspected_by == inspector_user

    # 3. Manager: approves from the home queue.
    manager = roles.log_in(chain.manager)
    expect(manager.locator("main")).to_contain_text("Returns to approve")
    manager.goto(f"/returns/{application.pk}/")
    manager.get_by_label("Comment").first.fill("同意退货")
    manager.get_by_role("button", name="Approve the return").click()
    expect(manager.locator("h1")).to_contain_text("Approved")

    # 4. Keeper: receives the goods back; stock and credit note in one step.
    keeper = roles.log_in(chain.keeper)
    expect(keeper.locator("main")).to_contain_text("Returns to receive into stock")
    keeper.goto(f"/returns/{application.pk}/")
    keeper.get_by_role("button", name="Receive the goods into stock").click()
    expect(keeper.locator("main .alert").first).to_contain_text("credit note CN")
    application.refresh_from_db()
    assert application.status == ReturnStatus.RECEIVED
    move = StockMove.objects.get(kind=MoveKind.RETURN)
    assert move.quantity == Decimal("3") and move.warehouse_id == note.warehouse_id
    credit = CreditNote.objects.get()
    assert credit.amount == Decimal("90.00")
    roles.snap("keeper received", keeper)

    # 5. Finance: the credit note and the customer's statement show it.
    finance = roles.log_in(chain.finance)
    finance.goto("/finance/credit-notes/")
    finance.get_by_role("link", name=credit.number).click()
    expect(finance.locator("#credit-amount")).to_have_text("90.00")
    expect(finance.locator("#credit-left")).to_have_text("90.00")
    today = company_today()
    finance.goto(
        f"/finance/statements/customers/{note.customer_id}/"
        f"?from={today.replace(day=1).isoformat()}&to={today.isoformat()}"
    )
    expect(finance.locator("main")).to_contain_text(credit.number)
    roles.snap("finance statement", finance)
    entry = ReceivableEntry.objects.get(kind=EntryKind.CREDIT_NOTE)
    assert entry.amount == Decimal("-90.00") and entry.reference == credit.number
    assert line.note_id == note.pk
    # To look at the pages: E2E_SHOTS=<folder> keeps every step's screenshot.
    if folder := os.environ.get("E2E_SHOTS"):
        for n, (step, png) in enumerate(roles.shots, start=1):
            (Path(folder) / f"{n:02d}-{step.replace(' ', '-')}.png").write_bytes(png)
