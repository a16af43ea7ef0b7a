"""Contracts through HTTP: the API and the pages allow each step to the right
role and refuse it otherwise (403 / 4xx with a code, never 500); lists keep
their query count flat as rows grow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from contracts.enums import FollowUpStatus, ReviewStatus, TaskStatus
from contracts.models import Department, FollowUp, ProductionTask, RequirementReview
from orders.enums import ContractType, OrderStatus
from orders.services.sales_orders import LineInput, sales_order_create, sales_order_submit
from salesadmin.clock import company_today

pytestmark = pytest.mark.django_db

REVIEW_RULES = {
    "type_c": True,
    "prepaid": False,
    "threshold": Decimal("10000.00"),
    "check_level": "department_head",
    "approve_level": "sales_director",
}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _b_contract(chain):
    order = chain.order(("1200",))
    assert order.contract_type == ContractType.B
    return order


def _c_draft(chain):
    argon = chain.products[2]
    argon.non_standard = True
    argon.save(update_fields=["non_standard"])
    return chain.order(("1", "1", "5"), submit=False)


# --- contract type in the order API -------------------------------------------------------


def test_the_order_api_shows_the_contract_type(chain):
    order = _b_contract(chain)
    data = api(chain.clerk).get(f"/api/v1/orders/{order.pk}/").json()
    assert (data["contract_type"], data["formal"], data["review_level"]) == ("B", False, None)
    listed = api(chain.clerk).get("/api/v1/orders/?contract_type=B").json()
    assert [row["id"] for row in listed["results"]] == [order.pk]


# --- contract review over the API ---------------------------------------------------------


@override_settings(CONTRACT_REVIEW=REVIEW_RULES)
def test_contract_review_over_the_api(chain, head, director):
    order = chain.order(("500",))
    base = f"/api/v1/orders/{order.pk}/contract-review/"

    # the clerk may not; the ordinary manager approval is refused with its code
    assert api(chain.clerk).post(base + "approve/", {}, format="json").status_code == 403
    refused = api(chain.manager).post(f"/api/v1/orders/{order.pk}/approve/", {}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "contract_review_required")
    # the head checks; a reject without comment is a 400 with its code
    no_comment = api(head).post(base + "reject/", {"comment": ""}, format="json")
    assert (no_comment.status_code, no_comment.json()["code"]) == (400, "comment_required")
    checked = api(head).post(base + "approve/", {"comment": "ok"}, format="json")
    assert checked.status_code == 200 and checked.json()["review_level"] == "sales_director"
    assert (
        "review_approve"
        in api(director).get(f"/api/v1/orders/{order.pk}/").json()["available_transitions"]
    )
    # the head cannot give the director's approval
    assert api(head).post(base + "approve/", {}, format="json").status_code == 403
    done = api(director).post(base + "approve/", {"comment": "同意"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == OrderStatus.APPROVED


@override_settings(CONTRACT_REVIEW=REVIEW_RULES)
def test_contract_review_on_the_order_page(chain, head, director, client_for):
    order = chain.order(("500",))
    page = client_for(head).get(f"/orders/{order.pk}/")
    assert "review_approve" in page.content.decode()
    assert (
        "review_approve" not in client_for(chain.clerk).get(f"/orders/{order.pk}/").content.decode()
    )

    assert (
        client_for(chain.clerk)
        .post(f"/orders/{order.pk}/review_approve/", {"comment": ""})
        .status_code
        == 403
    )
    client_for(head).post(f"/orders/{order.pk}/review_approve/", {"comment": "ok"})
    client_for(director).post(f"/orders/{order.pk}/review_reject/", {"comment": "价格太低"})
    order.refresh_from_db()
    assert order.status == OrderStatus.REJECTED


# --- production tasks ---------------------------------------------------------------------


def test_task_api_lists_updates_and_receives(chain):
    order = _b_contract(chain)
    task = ProductionTask.objects.get(order=order)

    rows = api(chain.keeper).get("/api/v1/production-tasks/?status=open").json()["results"]
    assert [(r["number"], r["quantity"]) for r in rows] == [(task.number, "200.000")]
    assert (
        api(chain.guard if hasattr(chain, "guard") else chain.finance)
        .get("/api/v1/production-tasks/")
        .status_code
        == 200
    )
    # only a manager sets the tracker
    url = f"/api/v1/production-tasks/{task.pk}/"
    assert (
        api(chain.clerk).patch(url, {"tracker": chain.clerk.pk}, format="json").status_code == 403
    )
    changed = api(chain.manager).patch(url, {"tracker": chain.clerk.pk}, format="json")
    assert changed.status_code == 200 and changed.json()["tracker"] == "clerk"
    # the keeper records the receipt that closes it
    payload = {
        "warehouse": chain.warehouse.pk,
        "batch_number": "PT-B1",
        "produced_on": str(company_today()),
        "quantity": "200",
    }
    assert api(chain.clerk).post(url + "receipts/", payload, format="json").status_code == 403
    received = api(chain.keeper).post(url + "receipts/", payload, format="json")
    assert received.status_code == 201 and received.json()["status"] == TaskStatus.CLOSED
    bad = api(chain.keeper).post(url + "receipts/", payload, format="json")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_state")
    assert api(chain.keeper).get("/api/v1/production-tasks/999999/").status_code == 404


def test_task_pages_and_pdf(chain, client_for):
    order = _b_contract(chain)
    task = ProductionTask.objects.get(order=order)
    ProductionTask.objects.filter(pk=task.pk).update(
        requested_date=company_today() - dt.timedelta(days=2)
    )

    listed = client_for(chain.clerk).get("/contracts/tasks/?late=1")
    assert listed.status_code == 200 and task.number in listed.content.decode()
    detail = client_for(chain.manager).get(f"/contracts/tasks/{task.pk}/")
    assert 'name="tracker"' in detail.content.decode()
    assert (
        'name="tracker"'
        not in client_for(chain.clerk).get(f"/contracts/tasks/{task.pk}/").content.decode()
    )
    pdf = client_for(chain.keeper).get(f"/contracts/tasks/{task.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert (
        client_for(chain.clerk)
        .post(f"/contracts/tasks/{task.pk}/update/", {"tracker": chain.clerk.pk})
        .status_code
        == 403
    )
    client_for(chain.keeper).post(
        f"/contracts/tasks/{task.pk}/receive/",
        {"warehouse": chain.warehouse.pk, "batch_number": "X1", "quantity": "200"},
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.CLOSED


# --- requirement reviews ------------------------------------------------------------------


def test_requirement_review_over_the_api(chain):
    order = _c_draft(chain)
    created = api(chain.clerk).post(
        "/api/v1/requirement-reviews/",
        {"order": order.pk, "requirements": "阀门特殊"},
        format="json",
    )
    assert created.status_code == 201
    review_id = created.json()["id"]
    base = f"/api/v1/requirement-reviews/{review_id}/"
    confirm = {"promised_date": str(company_today() + dt.timedelta(days=10))}
    early = api(chain.clerk).post(base + "confirm/", confirm, format="json")
    assert (early.status_code, early.json()["code"]) == (400, "departments_not_agreed")
    for dept in Department.objects.all():
        body = {"department": dept.pk, "agreed": True, "opinion": ""}
        assert api(chain.clerk).post(base + "opinions/", body, format="json").status_code == 403
        assert api(chain.manager).post(base + "opinions/", body, format="json").status_code == 200
    done = api(chain.clerk).post(base + "confirm/", confirm, format="json")
    assert done.status_code == 200 and done.json()["status"] == ReviewStatus.CONFIRMED
    again = api(chain.clerk).post(
        "/api/v1/requirement-reviews/", {"order": order.pk, "requirements": "x"}, format="json"
    )
    assert again.status_code == 409


def test_requirement_review_pages(chain, client_for):
    order = _c_draft(chain)
    page = client_for(chain.clerk).get(f"/contracts/{order.pk}/")
    assert "/contracts/reviews/new/" in page.content.decode()
    client_for(chain.clerk).post(
        "/contracts/reviews/new/", {"order": order.pk, "requirements": "特殊包装"}
    )
    review = RequirementReview.objects.get(order=order)
    for dept in Department.objects.all():
        client_for(chain.manager).post(
            f"/contracts/reviews/{review.pk}/opinion/", {"department": dept.pk, "agreed": "yes"}
        )
    assert client_for(chain.keeper).get(f"/contracts/reviews/{review.pk}/").status_code == 403
    client_for(chain.clerk).post(
        f"/contracts/reviews/{review.pk}/confirm/",
        {"promised_date": str(company_today() + dt.timedelta(days=5))},
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.CONFIRMED


# --- follow-ups ---------------------------------------------------------------------------


def test_follow_up_api_and_page(chain, client_for):
    order = chain.order(("1",))
    call = FollowUp.objects.create(order=order, due_date=company_today())
    rows = api(chain.clerk).get("/api/v1/follow-ups/?status=due").json()["results"]
    assert [r["id"] for r in rows] == [call.pk]
    url = f"/api/v1/follow-ups/{call.pk}/record/"
    assert api(chain.keeper).post(url, {"received_ok": True}, format="json").status_code == 403
    refused = api(chain.clerk).post(url, {"received_ok": False}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "remarks_required")
    page = client_for(chain.clerk).get("/contracts/follow-ups/")
    assert order.number in page.content.decode()
    client_for(chain.clerk).post(
        f"/contracts/follow-ups/{call.pk}/record/", {"received_ok": "yes", "remarks": "好"}
    )
    call.refresh_from_db()
    assert call.status == FollowUpStatus.DONE


# --- the register -------------------------------------------------------------------------


def _lo2_contract(chain, kg="1100"):
    """A B contract of liquid oxygen (1,000 kg in stock)."""
    order = sales_order_submit(
        order=sales_order_create(
            user=chain.clerk,
            customer=chain.customer,
            lines=[LineInput(product=chain.products[1], quantity=Decimal(kg))],
        ),
        user=chain.clerk,
    )
    assert order.contract_type == ContractType.B
    return order


def test_register_api_filters_and_figures(chain):
    note = chain.dispatched(chain.stamped(chain.note(chain.order(("2",)))))
    b = _b_contract(chain)
    rows = api(chain.finance).get("/api/v1/contracts/?contract_type=B").json()["results"]
    assert [(r["number"], r["open_tasks"]) for r in rows] == [(b.number, 1)]
    rows = api(chain.finance).get(f"/api/v1/contracts/?search={note.order.number}").json()
    assert rows["results"][0]["delivered"] == "60.00"
    detail = api(chain.clerk).get(f"/api/v1/contracts/{b.pk}/").json()
    assert detail["preparation_lines"][0]["held"] == "998.000"
    assert detail["production_tasks"][0]["quantity"] == "202.000"
    assert api(chain.keeper).get("/api/v1/contracts/").status_code == 403
    bad = api(chain.clerk).get("/api/v1/contracts/?waiting_production=perhaps")
    assert bad.status_code == 400


def test_register_page_and_exports(chain, client_for):
    b = _b_contract(chain)
    page = client_for(chain.clerk).get("/contracts/?waiting=1&type=B")
    assert b.number in page.content.decode()
    csv = client_for(chain.clerk).get("/contracts/?format=csv")
    assert csv.status_code == 200 and b.number in csv.content.decode("utf-8-sig")
    xlsx = client_for(chain.manager).get("/contracts/?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.parametrize("path", ["/contracts/", "/api/v1/contracts/"])
def test_register_query_count_is_flat(chain, client_for, django_assert_max_num_queries, path):
    def grow(n):
        for _ in range(n):
            chain.dispatched(chain.stamped(chain.note(chain.order(("1",)))))
            _lo2_contract(chain)
            ProductionTask.objects.update(requested_date=company_today() - dt.timedelta(days=1))

    client = APIClient() if path.startswith("/api") else client_for(chain.clerk)
    if path.startswith("/api"):
        client.force_authenticate(chain.clerk)
    grow(2)
    with django_assert_max_num_queries(12) as small:
        assert client.get(path).status_code == 200
    grow(6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(path).status_code == 200
