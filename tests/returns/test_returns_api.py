"""The returns, allowances and credit notes API: every action, for the right
role in the right state; refusals are 403 role, 409 state, 400 with the rule's code."""

from __future__ import annotations

import pytest

from approvals.models import ApprovalAssignment, ApprovalLevel
from finance.models import CreditNote
from returns.models import Allowance, ReturnApplication

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world, api_for):
    return {
        role: api_for(getattr(world, role))
        for role in ("clerk", "inspector", "manager", "keeper", "finance")
    }


def _create(api, note, quantity="2"):
    line = note.lines.order_by("id").first()
    return api["clerk"].post(
        "/api/v1/returns/",
        {
            "delivery_note": note.pk,
            "customer_document": "TH-9",
            "lines": [{"note_line": line.pk, "quantity": quantity, "reason": "damaged"}],
        },
        format="json",
    )


def test_the_return_path_through_the_api(world, api):
    note = world.note()
    created = _create(api, note)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft" and body["number"].startswith("RT")
    assert body["total"] == "60.00" and body["available_actions"] == ["submit", "cancel"]
    url = f"/api/v1/returns/{body['id']}/"

    assert api["clerk"].post(url + "submit/", {}, format="json").json()["status"] == "submitted"
    line_id = body["lines"][0]["id"]
    inspected = api["inspector"].post(
        url + "inspect/",
        {"results": [{"line": line_id, "result": "passed", "findings": "外观完好"}]},
        format="json",
    )
    assert inspected.status_code == 200 and inspected.json()["status"] == "inspected"
    assert api["inspector"].get(url).json()["available_actions"] == []
    approved = api["manager"].post(url + "approve/", {"comment": ""}, format="json")
    assert approved.json()["status"] == "approved"
    received = api["keeper"].post(url + "receive/", {}, format="json")
    assert received.status_code == 200
    credit = received.json()["credit_note"]
    assert credit["amount"] == "60.00" and credit["number"].startswith("CN")
    closed = api["manager"].post(
        url + "close/",
        {"cause": "transport", "responsible": "物流部", "corrective_action": "加固包装"},
        format="json",
    )
    assert closed.json()["status"] == "closed"

    detail = api["finance"].get(f"/api/v1/credit-notes/{credit['id']}/").json()
    assert detail["left"] == "60.00" and detail["source"] == "return"
    refund = api["finance"].post(
        f"/api/v1/credit-notes/{credit['id']}/refund/",
        {"amount": "20.00", "reference": "BK-1"},
        format="json",
    )
    assert refund.status_code == 201 and refund.json()["left"] == "40.00"
    over = api["finance"].post(
        f"/api/v1/credit-notes/{credit['id']}/refund/",
        {"amount": "40.01", "reference": "BK-2"},
        format="json",
    )
    assert (over.status_code, over.json()["code"]) == (400, "over_refund")
    pdf = api["finance"].get(f"/api/v1/credit-notes/{credit['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

    report = api["manager"].get("/api/v1/reports/returns/", {"group": "cause"}).json()
    assert [(r["key"], r["value"]) for r in report] == [("transport", "60.00")]


def test_refusals_have_their_status_and_code(world, api):
    note = world.note()
    over = _create(api, note, quantity="10.001")
    assert (over.status_code, over.json()["code"]) == (400, "over_returnable")
    assert over.json()["returnable"] == "10.000"
    denied = api["keeper"].post("/api/v1/returns/", {}, format="json")
    assert (denied.status_code, denied.json()["code"]) == (403, "permission_denied")
    body = _create(api, note).json()
    url = f"/api/v1/returns/{body['id']}/"
    wrong_state = api["keeper"].post(url + "receive/", {}, format="json")
    assert (wrong_state.status_code, wrong_state.json()["code"]) == (409, "invalid_state")
    wrong_role = api["clerk"].post(url + "receive/", {}, format="json")
    assert wrong_role.status_code == 403
    sneaky = api["clerk"].post(url + "submit/", {"status": "approved"}, format="json")
    assert sneaky.status_code == 400 and "status" in sneaky.json()["fields"]
    no_reason = api["clerk"].post(url + "cancel/", {"reason": ""}, format="json")
    assert (no_reason.status_code, no_reason.json()["code"]) == (400, "reason_required")
    api["clerk"].post(url + "submit/", {}, format="json")
    failed = api["inspector"].post(
        url + "inspect/",
        {"results": [{"line": body["lines"][0]["id"], "result": "failed", "findings": "破损"}]},
        format="json",
    )
    assert failed.json()["inspection_failed"] is True
    bare = api["manager"].post(url + "approve/", {}, format="json")
    assert (bare.status_code, bare.json()["code"]) == (400, "comment_required")
    missing = api["clerk"].get("/api/v1/returns/999999/")
    assert missing.status_code == 404
    assert (
        api["manager"].post("/api/v1/returns/999999/approve/", {}, format="json").status_code == 404
    )
    assert ReturnApplication.objects.count() == 1


def test_an_allowance_goes_level_by_level_through_the_api(world, api, api_for):
    note = world.note()
    head = api_for(world.approver("department_head", "head", limit=None))
    gm = api_for(world.approver("general_manager", "gm"))
    created = api["clerk"].post(
        "/api/v1/allowances/",
        {
            "delivery_note": note.pk,
            "reason": "quantity_dispute",
            "customer_reference": "ZR-3",
            "lines": [
                {"note_line": note.lines.order_by("id").first().pk, "unit_reduction": "25.00"}
            ],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    allowance = created.json()
    assert allowance["amount"] == "250.00"
    url = f"/api/v1/allowances/{allowance['id']}/"
    submitted = api["clerk"].post(url + "submit/", {}, format="json").json()
    assert submitted["waiting_level"].endswith("Department head")
    # Within the head's 2,000: one approval is final.
    approved = head.post(url + "approve/", {"comment": "同意"}, format="json").json()
    assert approved["status"] == "approved" and approved["credit_note"]["amount"] == "250.00"
    again = gm.post(url + "approve/", {}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "invalid_state")
    both = api["clerk"].post(
        "/api/v1/allowances/",
        {
            "delivery_note": note.pk,
            "reason": "quality",
            "customer_reference": "x",
            "amount": "1",
            "lines": [{"note_line": note.lines.first().pk, "unit_reduction": "1"}],
        },
        format="json",
    )
    assert (both.status_code, both.json()["code"]) == (400, "amount_or_lines")
    assert Allowance.objects.count() == 1 and CreditNote.objects.count() == 1


ROLES = ("clerk", "finance", "keeper", "guard", "manager", "inspector")
ENDPOINTS = [
    ("get", "/api/v1/returns/", {"clerk", "finance", "keeper", "manager", "inspector"}),
    ("post", "/api/v1/returns/", {"clerk"}),
    ("put", "/api/v1/returns/{t}/", {"clerk"}),
    ("post", "/api/v1/returns/{t}/submit/", {"clerk"}),
    ("post", "/api/v1/returns/{t}/inspect/", {"inspector"}),
    ("post", "/api/v1/returns/{t}/approve/", {"manager"}),
    ("post", "/api/v1/returns/{t}/reject/", {"manager"}),
    ("post", "/api/v1/returns/{t}/receive/", {"keeper"}),
    ("post", "/api/v1/returns/{t}/close/", {"clerk", "manager"}),
    ("post", "/api/v1/returns/{t}/cancel/", {"clerk", "manager"}),
    ("get", "/api/v1/allowances/", {"clerk", "finance", "manager"}),
    ("post", "/api/v1/allowances/", {"clerk"}),
    ("post", "/api/v1/allowances/{a}/submit/", {"clerk"}),
    ("post", "/api/v1/allowances/{a}/approve/", {"manager"}),
    ("post", "/api/v1/allowances/{a}/reject/", {"manager"}),
    ("post", "/api/v1/allowances/{a}/cancel/", {"clerk", "manager"}),
    ("get", "/api/v1/credit-notes/", {"clerk", "finance", "manager"}),
    ("post", "/api/v1/credit-notes/{k}/refund/", {"finance"}),
    ("get", "/api/v1/reports/returns/", {"manager"}),
]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_endpoints(role, world, request, api_for):
    application = world.received()
    ids = {
        "t": application.pk,
        "a": world.allowance(amount="5.00").pk,
        "k": application.credit_note_id,
    }
    # Approving an allowance also needs an approval level (authority, 403 without):
    # the manager persona is a department head here.
    ApprovalAssignment.objects.create(
        user=world.manager, level=ApprovalLevel.objects.get(code="department_head")
    )
    client = api_for(request.getfixturevalue(role))
    wrong = []
    for method, url, allowed in ENDPOINTS:
        response = getattr(client, method)(url.format(**ids), {}, format="json")
        if role in allowed:
            ok = response.status_code not in (401, 403) and response.status_code < 500
        else:
            ok = response.status_code == 403 and response.json()["code"] == "permission_denied"
        if not ok:
            wrong.append(f"{method} {url}: {response.status_code}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
