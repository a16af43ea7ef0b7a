"""The return path through the pages, each role its part: a refused action
shows the page again with the rule and its status (400 rule, 409 state), a
wrong role gets 403."""

from __future__ import annotations

from decimal import Decimal

import pytest

from finance.models import CreditNote
from returns.enums import AllowanceStatus, ReturnStatus
from returns.models import Allowance, ReturnApplication

pytestmark = pytest.mark.django_db


def test_the_whole_return_path_through_the_pages(world, client_for):
    note = world.note()
    clerk, inspector = client_for(world.clerk), client_for(world.inspector)
    manager, keeper = client_for(world.manager), client_for(world.keeper)
    finance = client_for(world.finance)
    line = note.lines.order_by("id").first()

    page = clerk.get("/returns/new/", {"note": note.number})
    assert page.status_code == 200
    assert f'name="quantity_{line.pk}"' in page.content.decode()

    # Too much is refused with the rule's words and a 400, nothing filed.
    refused = clerk.post(
        "/returns/new/",
        {
            "note": note.number,
            f"quantity_{line.pk}": "11",
            f"reason_{line.pk}": "quality",
            "customer_document": "TH-1",
        },
    )
    assert refused.status_code == 400
    assert "only 10.000 can be returned" in refused.content.decode()
    assert not ReturnApplication.objects.exists()

    filed = clerk.post(
        "/returns/new/",
        {
            "note": note.number,
            f"quantity_{line.pk}": "2",
            f"reason_{line.pk}": "quality",
            "customer_document": "TH-1",
        },
    )
    application = ReturnApplication.objects.get()
    assert filed.status_code == 302 and filed["Location"] == f"/returns/{application.pk}/"
    url = f"/returns/{application.pk}/"

    # The inspector may not submit; the clerk does.
    assert inspector.post(url + "submit/").status_code == 403
    assert clerk.post(url + "submit/").status_code == 302
    # Approving before inspection: wrong state, 409, shown on the page.
    early = manager.post(url + "approve/", {"comment": "ok"})
    assert early.status_code == 409
    assert 'id="action-error"' in early.content.decode()

    detail = inspector.get(url)
    assert "Record the inspection" in detail.content.decode()
    result_line = application.lines.get()
    missing = inspector.post(url + "inspect/", {})
    assert missing.status_code == 400
    assert (
        inspector.post(
            url + "inspect/",
            {f"result_{result_line.pk}": "failed", f"findings_{result_line.pk}": "漏气"},
        ).status_code
        == 302
    )
    no_comment = manager.post(url + "approve/", {"comment": ""})
    assert no_comment.status_code == 400
    assert "needs a comment" in no_comment.content.decode()
    assert manager.post(url + "approve/", {"comment": "按报废"}).status_code == 302
    assert clerk.post(url + "receive/").status_code == 403
    assert keeper.post(url + "receive/").status_code == 302
    application.refresh_from_db()
    assert application.status == ReturnStatus.RECEIVED
    credit = CreditNote.objects.get()
    assert credit.amount == Decimal("60.00")

    closed = manager.post(
        url + "close/",
        {"cause": "production", "responsible": "充装车间", "corrective_action": "更换密封圈"},
    )
    assert closed.status_code == 302
    application.refresh_from_db()
    assert application.status == ReturnStatus.CLOSED

    # Finance sees the credit note, prints it and pays back nothing (it settled nothing: the
    # note is not invoiced, so it is all prepayment).
    page = finance.get(f"/finance/credit-notes/{credit.pk}/")
    assert page.status_code == 200 and credit.number in page.content.decode()
    pdf = finance.get(f"/finance/credit-notes/{credit.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    over = finance.post(
        f"/finance/credit-notes/{credit.pk}/refund/", {"amount": "60.01", "reference": "R-1"}
    )
    assert over.status_code == 400
    assert (
        finance.post(
            f"/finance/credit-notes/{credit.pk}/refund/", {"amount": "60.00", "reference": "R-1"}
        ).status_code
        == 302
    )
    assert (
        clerk.post(
            f"/finance/credit-notes/{credit.pk}/refund/", {"amount": "1", "reference": "R-2"}
        ).status_code
        == 403
    )


def test_an_allowance_through_the_pages(world, client_for):
    note = world.note()
    head = world.approver("department_head", "head")
    clerk, approver = client_for(world.clerk), client_for(head)
    created = clerk.post(
        "/returns/allowances/new/",
        {
            "note": note.number,
            "reason": "late_delivery",
            "customer_reference": "ZR-1",
            "amount": "80.00",
        },
    )
    allowance = Allowance.objects.get()
    assert created.status_code == 302
    url = f"/returns/allowances/{allowance.pk}/"
    assert clerk.post(url + "submit/").status_code == 302
    assert client_for(world.manager).post(url + "approve/").status_code == 403  # no level
    assert "Waiting for your approval" in approver.get("/returns/allowances/").content.decode()
    assert approver.post(url + "approve/", {"comment": "同意"}).status_code == 302
    allowance.refresh_from_db()
    assert allowance.status == AllowanceStatus.APPROVED and allowance.credit_note is not None
    # The history names each state in words, as the status badge does.
    history = clerk.get(url).content.decode().split(">History<", 1)[1]
    assert "Waiting for approval → Approved" in history
    assert "submitted →" not in history and "→ approved" not in history


ROLE_PAGES = {
    "/returns/": {"clerk", "finance", "keeper", "manager", "inspector"},
    "/returns/new/": {"clerk"},
    "/returns/{t}/": {"clerk", "finance", "keeper", "manager", "inspector"},
    "/returns/{d}/edit/": {"clerk"},
    "/returns/allowances/": {"clerk", "finance", "manager"},
    "/returns/allowances/new/": {"clerk"},
    "/returns/allowances/{a}/": {"clerk", "finance", "manager"},
    "/returns/report/": {"manager"},
    "/returns/report/?format=csv": {"manager"},
    "/returns/report/?format=xlsx&group=product": {"manager"},
    "/finance/credit-notes/": {"clerk", "finance", "manager"},
    "/finance/credit-notes/{k}/": {"clerk", "finance", "manager"},
    "/finance/credit-notes/{k}/pdf/": {"clerk", "finance", "manager"},
    "/api/v1/returns/": {"clerk", "finance", "keeper", "manager", "inspector"},
    "/api/v1/returns/{t}/": {"clerk", "finance", "keeper", "manager", "inspector"},
    "/api/v1/allowances/": {"clerk", "finance", "manager"},
    "/api/v1/allowances/{a}/": {"clerk", "finance", "manager"},
    "/api/v1/credit-notes/": {"clerk", "finance", "manager"},
    "/api/v1/credit-notes/{k}/": {"clerk", "finance", "manager"},
    "/api/v1/credit-notes/{k}/pdf/": {"clerk", "finance", "manager"},
    "/api/v1/reports/returns/": {"manager"},
}
# Routes that take only POST: their role checks are in the flows above and the API tests.
POST_ONLY_ROUTES = {
    "returns/<int:pk>/<str:action>/",
    "returns/allowances/<int:pk>/<str:action>/",
    "finance/credit-notes/<int:pk>/refund/",
    "finance/customers/<int:pk>/refund/",
    *(
        f"api/v1/returns/<int:pk>/{a}/"
        for a in ("submit", "inspect", "approve", "reject", "receive", "close", "cancel")
    ),
    *(f"api/v1/allowances/<int:pk>/{a}/" for a in ("submit", "approve", "reject", "cancel")),
    "api/v1/credit-notes/<int:pk>/refund/",
    "api/v1/payments/<int:pk>/refund/",
}


def routes_tested_here() -> set[str]:
    """The routes this file covers, as test_page_access lists them."""
    listed = {route.strip("/") for route in POST_ONLY_ROUTES}
    for url in ROLE_PAGES:
        path = url.split("?")[0].strip("/")
        for key in "tdak":
            path = path.replace("{" + key + "}", "<int:pk>")
        listed.add(path)
    return listed


@pytest.mark.parametrize("role", ["clerk", "finance", "keeper", "guard", "manager", "inspector"])
def test_every_returns_page_serves_its_roles_and_refuses_the_others(
    role, world, request, client_for
):
    application = world.received()
    draft = world.filed()
    allowance = world.allowance(amount="10.00")
    ids = {
        "t": application.pk,
        "d": draft.pk,
        "a": allowance.pk,
        "k": application.credit_note_id,
    }
    client = client_for(request.getfixturevalue(role))
    wrong = []
    for url, allowed in ROLE_PAGES.items():
        status = client.get(url.format(**ids)).status_code
        expected = 200 if role in allowed else 403
        if status != expected:
            wrong.append(f"{url}: {status}, expected {expected}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
