"""The API of samples and request reports: every step, refusals with a code."""

from __future__ import annotations

import pytest

from outbound.models import SampleApplication

pytestmark = pytest.mark.django_db


def _lines(world, quantities):
    return [
        {"product": p.pk, "quantity": q}
        for p, q in zip(world.products, quantities, strict=False)
        if q
    ]


def test_a_sample_through_the_api(world, api_for):
    clerk = api_for(world.clerk)
    created = clerk.post(
        "/api/v1/samples/",
        {
            "prospect_name": "德清某化工",
            "department": "市场部",
            "warehouse": world.chain.warehouse.pk,
            "lines": _lines(world, ["11"]),
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["needs_director"] is True
    assert created.json()["available_actions"] == ["submit", "cancel"]
    assert clerk.post(f"/api/v1/samples/{pk}/submit/").status_code == 200
    # The clerk may not approve; the head sends it on; then only the director may.
    refused = clerk.post(f"/api/v1/samples/{pk}/approve/", {}, format="json")
    assert refused.status_code == 403
    forwarded = api_for(world.head).post(f"/api/v1/samples/{pk}/approve/", {}, format="json")
    assert forwarded.status_code == 200 and forwarded.json()["status"] == "submitted"
    assert forwarded.json()["available_actions"] == ["cancel"]
    assert (
        api_for(world.head).post(f"/api/v1/samples/{pk}/approve/", {}, format="json").status_code
        == 403
    )
    approved = api_for(world.director).post(f"/api/v1/samples/{pk}/approve/", {}, format="json")
    assert approved.json()["status"] == "approved"
    again = api_for(world.director).post(f"/api/v1/samples/{pk}/approve/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"
    slip = clerk.post(f"/api/v1/samples/{pk}/issue-slip/", {"vehicle_plate": "浙E1"}, format="json")
    assert slip.status_code == 200 and slip.json()["slip"]["status"] == "stamped"
    early = clerk.post(f"/api/v1/samples/{pk}/outcome/", {"outcome": "ordered"}, format="json")
    assert early.status_code == 400 and early.json()["code"] == "goods_not_delivered"
    world.exited(SampleApplication.objects.get(pk=pk).note)
    done = clerk.post(f"/api/v1/samples/{pk}/outcome/", {"outcome": "ordered"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "closed"


def test_a_request_report_through_the_api(world, api_for):
    clerk = api_for(world.clerk)
    created = clerk.post(
        "/api/v1/non-sale-requests/",
        {
            "purpose": "gift",
            "recipient": "老客户年会",
            "reason": "答谢",
            "department": "市场部",
            "warehouse": world.chain.warehouse.pk,
            "lines": _lines(world, ["1"]),
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    base = f"/api/v1/non-sale-requests/{pk}"
    assert clerk.post(f"{base}/submit/").status_code == 200
    assert clerk.post(f"{base}/check/", {"opinion": "x"}, format="json").status_code == 403
    empty = api_for(world.finance).post(f"{base}/check/", {"opinion": ""}, format="json")
    assert empty.status_code == 400 and empty.json()["code"] == "opinion_required"
    assert (
        api_for(world.finance).post(f"{base}/check/", {"opinion": "可"}, format="json").status_code
        == 200
    )
    endorsed = api_for(world.chain.manager).post(
        f"{base}/endorse/", {"opinion": "同意"}, format="json"
    )
    assert endorsed.json()["status"] == "endorsed"
    assert api_for(world.director).post(f"{base}/approve/", {}, format="json").status_code == 403
    approved = api_for(world.deputy).post(f"{base}/approve/", {"comment": "批准"}, format="json")
    assert approved.json()["status"] == "approved"
    slip = clerk.post(f"{base}/issue-slip/", {}, format="json")
    assert slip.status_code == 200 and slip.json()["slip"]["number"].startswith("DN")


def test_the_expense_report_api_is_for_finance_and_managers(world, api_for):
    world.exited(world.sample_slip()[1])
    answer = api_for(world.finance).get("/api/v1/reports/outbound-expenses/")
    assert answer.status_code == 200
    assert answer.json() == [
        {
            "department": "市场部",
            "purpose": "sample",
            "documents": 1,
            "quantity": "5.000",
            "cost": "126.00",
        }
    ]
    assert api_for(world.clerk).get("/api/v1/reports/outbound-expenses/").status_code == 403
    bad = api_for(world.finance).get("/api/v1/reports/outbound-expenses/?date_from=x")
    assert bad.status_code == 400


def test_lists_keep_their_query_count(world, api_for, django_assert_max_num_queries):
    for _ in range(3):
        world.sample()
        world.request()
    client = api_for(world.chain.manager)
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/samples/").json()["results"]) == 3
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/non-sale-requests/").json()["results"]) == 3
    assert api_for(world.keeper).get("/api/v1/samples/").status_code == 403


def test_the_slip_in_the_delivery_notes_api(world, api_for):
    _, note = world.sample_slip()
    for user in (world.clerk, world.keeper):
        answer = api_for(user).get(f"/api/v1/delivery-notes/{note.pk}/")
        assert answer.status_code == 200, answer.content
        body = answer.json()
        assert body["kind"] == "sample" and body["order"] is None
        assert body.get("customer") is None
    listed = api_for(world.clerk).get("/api/v1/delivery-notes/").json()["results"]
    assert [n["kind"] for n in listed] == ["sample"]
    refused = api_for(world.finance).post(
        f"/api/v1/delivery-notes/{note.pk}/stamp/", {}, format="json"
    )
    assert refused.status_code in (400, 409) and refused.json()["code"] in (
        "not_a_sale",
        "invalid_state",
    )
