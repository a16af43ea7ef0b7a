"""Targets, progress, the monthly meeting and commission in the browser: the
right role is served, the wrong one refused (403), a wrong state or a broken
rule comes back as a message."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from sales.enums import TargetStatus
from sales.models import CommissionMonth, SalesTarget
from sales.services.targets import TargetLineInput
from salesadmin.clock import add_months, company_today
from tests.pdf_tools import pdf_text
from tests.sales.targets_world import approved_target, credit_customer, salesperson

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold(chain, clerk, manager):
    """Clerk is Wang's colleague; Wang has a customer, a note out today, a target."""
    wang = salesperson("wang")
    customer = credit_customer("王的客户", wang)
    chain.dispatched(chain.stamped(chain.note(chain.order(customer=customer))))
    approved_target(
        clerk=clerk,
        manager=manager,
        lines=[
            TargetLineInput(
                month=company_today().month, salesperson_id=wang.pk, amount=Decimal("2000")
            ),
            TargetLineInput(
                month=company_today().month, salesperson_id=clerk.pk, amount=Decimal("900")
            ),
        ],
    )
    return wang


def test_the_grid_is_drafted_submitted_and_approved_in_the_browser(clerk, manager, client_for):
    wang = salesperson("wang")
    credit_customer("王的客户", wang)
    page = client_for(clerk)
    response = page.post("/sales/targets/", {"year": "2027"})
    target = SalesTarget.objects.get(year=2027)
    assert response.status_code == 302 and response.url == f"/sales/targets/{target.pk}/"
    html = page.get(response.url).content.decode()
    assert f'name="a-3-{wang.pk}"' in html

    page.post(
        f"/sales/targets/{target.pk}/lines/", {f"a-3-{wang.pk}": "1,500", f"a-4-{wang.pk}": ""}
    )
    assert [(ln.month, ln.amount) for ln in target.lines.all()] == [(3, Decimal("1500.00"))]
    bad = page.post(f"/sales/targets/{target.pk}/lines/", {f"a-3-{wang.pk}": "-5"}, follow=True)
    assert "cannot be negative" in bad.content.decode()

    page.post(f"/sales/targets/{target.pk}/submit/")
    assert page.post(f"/sales/targets/{target.pk}/approve/").status_code == 403
    # A submitted target is not edited any more: a message, nothing changes.
    again = page.post(f"/sales/targets/{target.pk}/lines/", {f"a-3-{wang.pk}": "9"}, follow=True)
    assert "Only a draft target can be changed." in again.content.decode()
    client_for(manager).post(f"/sales/targets/{target.pk}/approve/", {"comment": "ok"})
    target.refresh_from_db()
    assert target.status == TargetStatus.APPROVED
    assert target.lines.get().amount == Decimal("1500.00")


def test_finance_sees_no_targets(finance, client_for):
    assert client_for(finance).get("/sales/targets/").status_code == 403
    assert client_for(finance).get("/sales/progress/").status_code == 403


def _sheet(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["month", "salesperson", "group", "amount", "quantity"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "targets.xlsx"
    return out


def test_import_lists_bad_rows_in_a_dry_run_then_imports(clerk, client_for):
    wang = salesperson("wang")
    page = client_for(clerk)
    page.post("/sales/targets/", {"year": "2027"})
    target = SalesTarget.objects.get(year=2027)
    bad = [
        [1, "wang", "", 100, None],
        [13, "wang", "", 5, None],
        [2, "nobody", "", 5, None],
        [3, "wang", "", "abc", None],
        [4, "wang", "", 5, 3],
    ]
    html = page.post(
        f"/sales/targets/{target.pk}/import/", {"file": _sheet(bad), "dry_run": "1"}
    ).content.decode()
    assert "4 bad rows" in html
    for row in (3, 4, 5, 6):
        assert f"Row {row}:" in html
    assert not target.lines.exists()

    good = [[1, "wang", "", 100, None], [2, "wang", "", "250.5", None]]
    dry = page.post(f"/sales/targets/{target.pk}/import/", {"file": _sheet(good), "dry_run": "1"})
    assert "2 lines are good" in dry.content.decode() and not target.lines.exists()
    page.post(f"/sales/targets/{target.pk}/import/", {"file": _sheet(good)})
    assert [(ln.month, ln.salesperson_id, ln.amount) for ln in target.lines.all()] == [
        (1, wang.pk, Decimal("100.00")),
        (2, wang.pk, Decimal("250.50")),
    ]


def test_progress_shows_a_clerk_their_own_and_a_manager_everyone(sold, clerk, manager, client_for):
    mine = client_for(clerk).get("/sales/progress/").content.decode()
    # Money as people write it: thousands separated.
    assert "900.00" in mine and "2,000.00" not in mine
    everyone = client_for(manager).get("/sales/progress/").content.decode()
    assert "2,000.00" in everyone and "900.00" in everyone and "Wang" in everyone
    home = client_for(clerk).get("/").content.decode()
    assert 'id="my-progress"' in home and "900.00" in home


def test_progress_exports_csv_and_xlsx(sold, manager, client_for):
    page = client_for(manager)
    csv = page.get("/sales/progress/?format=csv").content.decode("utf-8-sig")
    assert "Wang" in csv and "2000.00" in csv
    xlsx = page.get("/sales/progress/?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "Wang" in values and 2000 in values


def test_the_meeting_page_and_its_pdf_are_for_managers(sold, manager, clerk, client_for):
    page = client_for(manager)
    html = page.get("/sales/meeting/").content.decode()
    assert "Wang" in html and "2,000.00" in html
    pdf = page.get(f"/sales/meeting/pdf/?month={company_today():%Y-%m}")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content, layout=False)
    assert "月度销售完成情况考核" in text.replace(" ", "") and "Wang" in text
    assert "2,000.00" in text and "报价转化率" in text
    assert client_for(clerk).get("/sales/meeting/").status_code == 403
    assert client_for(clerk).get("/sales/meeting/pdf/").status_code == 403


def test_commission_month_is_closed_by_finance_once_it_is_over(
    sold, finance, clerk, client_for, monkeypatch
):
    month = company_today().replace(day=1)
    page = client_for(finance)
    assert "Wang" in page.get("/sales/commission/").content.decode()
    assert client_for(clerk).get("/sales/commission/").status_code == 403
    assert (
        client_for(clerk).post("/sales/commission/close/", {"month": f"{month:%Y-%m}"}).status_code
        == 403
    )
    early = page.post("/sales/commission/close/", {"month": f"{month:%Y-%m}"}, follow=True)
    assert "only after it has ended" in early.content.decode()
    monkeypatch.setattr("sales.models.commission.company_today", lambda: add_months(month, 1))
    page.post("/sales/commission/close/", {"month": f"{month:%Y-%m}"})
    assert CommissionMonth.objects.get(month=month).status == "closed"
    html = page.get(f"/sales/commission/?month={month:%Y-%m}").content.decode()
    assert "frozen" in html
    statement = page.get(
        f"/sales/commission/statement/?month={month:%Y-%m}&salesperson={sold.pk}&format=csv"
    ).content.decode("utf-8-sig")
    assert "王的客户" in statement


def _dashboard_queries(client) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        html = client.get("/reports/").content.decode()
    assert 'id="target-progress"' in html
    return len(ctx.captured_queries)


def test_the_dashboard_query_count_stays_fixed_with_targets_present(
    sold, chain, clerk, manager, client_for
):
    from tests.sales.targets_world import bottled_group

    group = bottled_group(chain)
    page = client_for(manager)
    few = _dashboard_queries(page)
    # More salespeople, customers, notes and group targets: the same queries.
    for n in range(4):
        person = salesperson(f"sp{n}")
        customer = credit_customer(f"客户{n}", person)
        chain.dispatched(chain.stamped(chain.note(chain.order(customer=customer))))
    revision_lines = [
        TargetLineInput(
            month=company_today().month,
            salesperson_id=sold.pk,
            amount=Decimal("500"),
            product_group=group,
            quantity=Decimal("10"),
        )
    ]
    from sales.services.targets import (
        sales_target_approve,
        sales_target_lines_save,
        sales_target_revise,
        sales_target_submit,
    )

    in_force = SalesTarget.objects.get(status=TargetStatus.APPROVED)
    revision = sales_target_revise(user=clerk, target=in_force, reason="按产品组")
    sales_target_lines_save(user=clerk, target=revision, lines=revision_lines, product_group=group)
    sales_target_submit(user=clerk, target=revision)
    sales_target_approve(user=manager, target=revision)
    many = _dashboard_queries(page)
    assert many == few
    # The card shows the salespeople's totals; the groups are on the progress page.
    assert "瓶装气" not in page.get("/reports/").content.decode()
    assert "瓶装气" in page.get("/sales/progress/").content.decode()
