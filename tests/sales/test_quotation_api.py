"""The quotations API: create, show, and each action allowed for the right
role and refused otherwise (403 role, 409 state, 400 naming the rule)."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from orders.enums import OrderStatus
from orders.models import SalesOrder
from sales.models import Quotation
from salesadmin.clock import company_today

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _create(chain, user=None, **extra):
    today = company_today()
    body = {
        "customer": chain.customer.pk,
        "valid_until": str(today + dt.timedelta(days=10)),
        "delivery_date": str(today + dt.timedelta(days=12)),
        "terms": "月结30天",
        "lines": [
            {"product": chain.products[0].pk, "quantity": "10"},
            {"product": chain.products[2].pk, "quantity": "2", "unit_price": "85.00"},
        ],
        **extra,
    }
    return _api(user or chain.clerk).post("/api/v1/quotations/", body, format="json")


def _act(user, pk, action, body=None):
    return _api(user).post(f"/api/v1/quotations/{pk}/{action}/", body or {}, format="json")


def test_create_show_and_list(chain):
    answer = _create(chain)
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    assert data["status"] == "draft" and data["number"].startswith("QT")
    assert [(ln["unit_price"], ln["price_source"]) for ln in data["lines"]] == [
        ("30.00", "list"),
        ("85.00", "manual"),
    ]
    assert data["total"] == "470.00"
    assert data["available_transitions"] == ["send"]
    shown = _api(chain.manager).get(f"/api/v1/quotations/{data['id']}/").json()
    assert shown["number"] == data["number"]
    listed = _api(chain.clerk).get("/api/v1/quotations/?status=draft").json()
    assert [q["id"] for q in listed["results"]] == [data["id"]]
    assert _api(chain.clerk).get("/api/v1/quotations/?status=sent").json()["results"] == []


def test_wrong_role_is_403(chain):
    assert _create(chain, user=chain.finance).status_code == 403
    assert _api(chain.keeper).get("/api/v1/quotations/").status_code == 403
    pk = _create(chain).json()["id"]
    assert _act(chain.finance, pk, "send").status_code == 403
    _act(chain.clerk, pk, "send")
    for action in ("accept", "decline"):
        answer = _act(chain.keeper, pk, action)
        assert answer.status_code == 403
    assert Quotation.objects.get(pk=pk).status == "sent"


def test_wrong_state_is_409_with_its_code(chain):
    pk = _create(chain).json()["id"]
    answer = _act(chain.clerk, pk, "accept")
    assert answer.status_code == 409
    assert answer.json()["code"] == "invalid_state"
    assert _act(chain.clerk, pk, "decline").status_code == 409


def test_broken_rules_are_400_naming_them(chain):
    answer = _create(chain, customer=None, prospect_name="")
    assert answer.status_code == 400
    assert answer.json()["code"] == "customer_or_prospect_required"
    pk = _create(chain, customer=None, prospect_name="新客户").json()["id"]
    _act(chain.clerk, pk, "send")
    answer = _act(chain.clerk, pk, "accept")
    assert answer.status_code == 400
    assert answer.json()["code"] == "customer_required"
    answer = _act(chain.clerk, pk, "send", {"status": "accepted"})
    assert answer.status_code == 400


def test_send_then_accept_creates_the_order(chain):
    pk = _create(chain).json()["id"]
    sent = _act(chain.clerk, pk, "send").json()
    assert sent["status"] == "sent"
    assert sent["available_transitions"] == ["accept", "decline"]
    accepted = _act(chain.manager, pk, "accept")
    assert accepted.status_code == 200, accepted.json()
    order = SalesOrder.objects.get(pk=accepted.json()["sales_order"])
    assert order.status == OrderStatus.APPROVED
    assert [ln.unit_price for ln in order.lines.order_by("position")] == [
        ln.unit_price for ln in Quotation.objects.get(pk=pk).lines.order_by("position")
    ]
    assert accepted.json()["available_transitions"] == []


def test_decline_with_a_comment(chain):
    pk = _create(chain).json()["id"]
    _act(chain.clerk, pk, "send")
    answer = _act(chain.clerk, pk, "decline", {"comment": "交期太长"})
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["decision_comment"]) == ("declined", "交期太长")
