"""The targets, progress and commission API: each action for the right role,
refused otherwise (403 role, 409 state, 400 naming the rule), and answers
shaped by role (a manager sees everyone's progress, a clerk their own)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from sales.enums import CommissionBasis
from sales.models import CommissionRule, SalesTarget
from sales.services.targets import TargetLineInput
from salesadmin.clock import add_months, company_today
from tests.sales.targets_world import approved_target, credit_customer, salesperson

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_target_is_drafted_submitted_and_approved_through_the_api(clerk, manager, finance):
    wang = salesperson("wang")
    created = _api(clerk).post("/api/v1/sales-targets/", {"year": 2027}, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["status"] == "draft" and created.json()["version"] == 1
    assert (
        _api(clerk).post("/api/v1/sales-targets/", {"year": 2027}, format="json").json()["code"]
        == "target_exists"
    )
    assert _api(finance).get("/api/v1/sales-targets/").status_code == 403

    empty = _api(clerk).post(f"/api/v1/sales-targets/{pk}/submit/", {}, format="json")
    assert (empty.status_code, empty.json()["code"]) == (400, "no_lines")
    lines = {"lines": [{"month": 1, "salesperson": wang.pk, "amount": "1200.00"}]}
    saved = _api(clerk).put(f"/api/v1/sales-targets/{pk}/lines/", lines, format="json")
    assert saved.status_code == 200
    assert saved.json()["lines"] == [
        {
            "month": 1,
            "salesperson": wang.pk,
            "product_group": None,
            "amount": "1200.00",
            "quantity": None,
        }
    ]
    assert saved.json()["available_transitions"] == ["submit"]
    bad = {"lines": [{"month": 1, "salesperson": wang.pk, "amount": "-1"}]}
    assert (
        _api(clerk).put(f"/api/v1/sales-targets/{pk}/lines/", bad, format="json").status_code == 400
    )

    submitted = _api(clerk).post(f"/api/v1/sales-targets/{pk}/submit/", {}, format="json")
    assert submitted.json()["status"] == "submitted"
    assert (
        _api(clerk).post(f"/api/v1/sales-targets/{pk}/approve/", {}, format="json").status_code
        == 403
    )
    again = _api(clerk).put(f"/api/v1/sales-targets/{pk}/lines/", lines, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "invalid_state")
    detail = _api(manager).get(f"/api/v1/sales-targets/{pk}/").json()
    assert detail["available_transitions"] == ["approve", "reject"]
    approved = _api(manager).post(
        f"/api/v1/sales-targets/{pk}/approve/", {"comment": "同意"}, format="json"
    )
    assert approved.json()["status"] == "approved"
    assert approved.json()["approved_by"] == "manager"
    twice = _api(manager).post(f"/api/v1/sales-targets/{pk}/approve/", {}, format="json")
    assert twice.status_code == 409

    revised = _api(clerk).post(
        f"/api/v1/sales-targets/{pk}/revise/", {"comment": "调整"}, format="json"
    )
    assert revised.status_code == 201 and revised.json()["version"] == 2
    assert revised.json()["revises"] == pk


def test_progress_is_everyones_for_a_manager_and_ones_own_for_a_clerk(
    chain, clerk, manager, finance
):
    wang = salesperson("wang")
    customer = credit_customer("王的客户", wang)
    chain.dispatched(chain.stamped(chain.note(chain.order(customer=customer))))
    month = company_today().month
    approved_target(
        clerk=clerk,
        manager=manager,
        lines=[
            TargetLineInput(month=month, salesperson_id=wang.pk, amount=Decimal("2000")),
            TargetLineInput(month=month, salesperson_id=clerk.pk, amount=Decimal("900")),
        ],
    )
    everyone = _api(manager).get("/api/v1/target-progress/").json()
    assert {r["salesperson"] for r in everyone["rows"]} == {wang.pk, clerk.pk}
    row = next(r for r in everyone["rows"] if r["salesperson"] == wang.pk)
    assert row["figure"]["target"] == "2000.00" and row["figure"]["actual"] == "850.00"
    assert row["figure"]["gap"] == "1150.00"
    own = _api(clerk).get("/api/v1/target-progress/").json()
    assert [r["salesperson"] for r in own["rows"]] == [clerk.pk]
    assert own["total"]["target"] == "900.00"
    assert _api(finance).get("/api/v1/target-progress/").status_code == 403
    bad = _api(manager).get("/api/v1/target-progress/?first=2026-13-01")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_date")
    wrong = _api(manager).get("/api/v1/target-progress/?first=2026-05-01&last=2026-04-01")
    assert wrong.json()["code"] == "invalid_period"


def test_commission_rules_statements_and_closing_through_the_api(
    chain, clerk, manager, finance, monkeypatch
):
    wang = salesperson("wang")
    customer = credit_customer("王的客户", wang)
    chain.dispatched(chain.stamped(chain.note(chain.order(customer=customer))))
    month = company_today().replace(day=1)
    rule = {"salesperson": wang.pk, "basis": "sales", "rate": "1.5", "valid_from": str(month)}
    assert _api(finance).post("/api/v1/commission-rules/", rule, format="json").status_code == 403
    made = _api(manager).post("/api/v1/commission-rules/", rule, format="json")
    assert made.status_code == 201 and made.json()["basis"] == "sales"
    neither = {**rule, "salesperson": None}
    assert (
        _api(manager).post("/api/v1/commission-rules/", neither, format="json").json()["code"]
        == "salesperson_or_team_required"
    )
    assert _api(finance).get("/api/v1/commission-rules/").json()["count"] == 1

    answer = _api(finance).get(f"/api/v1/commission-statements/?month={month:%Y-%m}")
    [statement] = answer.json()
    assert statement["basis"] == CommissionBasis.SALES and statement["basis_amount"] == "850.00"
    assert statement["commission"] == "12.75" and statement["closed"] is False
    assert statement["lines"][0]["kind"] == "note"
    assert _api(clerk).get(f"/api/v1/commission-statements/?month={month:%Y-%m}").status_code == 403
    assert (
        _api(finance).get("/api/v1/commission-statements/?month=x").json()["code"]
        == "invalid_month"
    )

    early = _api(finance).post(
        "/api/v1/commission-months/close/", {"month": f"{month:%Y-%m}"}, format="json"
    )
    assert (early.status_code, early.json()["code"]) == (400, "month_not_ended")
    assert (
        _api(clerk)
        .post("/api/v1/commission-months/close/", {"month": f"{month:%Y-%m}"}, format="json")
        .status_code
        == 403
    )
    monkeypatch.setattr("sales.models.commission.company_today", lambda: add_months(month, 1))
    closed = _api(finance).post(
        "/api/v1/commission-months/close/", {"month": f"{month:%Y-%m}"}, format="json"
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    again = _api(finance).post(
        "/api/v1/commission-months/close/", {"month": f"{month:%Y-%m}"}, format="json"
    )
    assert again.status_code == 409
    [frozen] = _api(finance).get(f"/api/v1/commission-statements/?month={month:%Y-%m}").json()
    assert frozen["closed"] is True and frozen["basis_amount"] == "850.00"
    late = _api(manager).post("/api/v1/commission-rules/", {**rule, "rate": "3"}, format="json")
    assert late.json()["code"] == "month_closed"
    assert CommissionRule.objects.count() == 1
    assert SalesTarget.objects.count() == 0


def test_the_lines_endpoint_takes_put_only_even_with_an_idempotency_key(clerk):
    """The action base defines POST; the lines endpoint names PUT only, so a
    POST is 405 (not an idempotency answer), with or without a key."""
    target = _api(clerk).post("/api/v1/sales-targets/", {"year": 2029}, format="json").json()
    url = f"/api/v1/sales-targets/{target['id']}/lines/"
    for _ in range(2):  # the second time the key is known: still 405
        answer = _api(clerk).post(
            url, {"lines": []}, format="json", HTTP_IDEMPOTENCY_KEY="lines-post"
        )
        assert answer.status_code == 405
        assert answer["Allow"] == "PUT, OPTIONS"
    assert _api(clerk).put(url, {"lines": []}, format="json").status_code == 200
