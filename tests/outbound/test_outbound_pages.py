"""The outbound pages: each role sees and does what it may, refusals are shown,
the slip goes through the note pages, the printed documents and the report."""

from __future__ import annotations

import pytest

from outbound.enums import RequestStatus, SampleStatus
from outbound.models import NonSaleRequest, SampleApplication

pytestmark = pytest.mark.django_db


def test_a_clerk_applies_for_samples_on_the_page(world, client_for):
    client = client_for(world.clerk)
    assert client.get("/outbound/samples/new/").status_code == 200
    answer = client.post(
        "/outbound/samples/new/",
        {
            "prospect_name": "长兴某厂",
            "department": "市场部",
            "warehouse": world.chain.warehouse.pk,
            "product_0": world.products[0].pk,
            "quantity_0": "2",
        },
    )
    application = SampleApplication.objects.get()
    assert answer.status_code == 302 and answer.url == f"/outbound/samples/{application.pk}/"
    page = client.get(answer.url).content.decode()
    assert "长兴某厂" in page and "Submit for approval" in page
    client.post(f"/outbound/samples/{application.pk}/submit/")
    application.refresh_from_db()
    assert application.status == SampleStatus.SUBMITTED


def test_the_form_shows_a_refusal(world, client_for):
    answer = client_for(world.clerk).post(
        "/outbound/samples/new/",
        {
            "department": "市场部",
            "warehouse": world.chain.warehouse.pk,
            "product_0": world.products[0].pk,
            "quantity_0": "1",
        },
    )
    assert answer.status_code == 400
    assert "Choose the customer or write the prospect" in answer.content.decode()


def test_approve_on_the_page_by_level_and_refused_otherwise(world, client_for):
    application = world.sample(("11",))
    url = f"/outbound/samples/{application.pk}/approve/"
    assert client_for(world.clerk).post(url).status_code == 403
    assert f"/outbound/samples/{application.pk}/approve/" not in (
        client_for(world.clerk).get(f"/outbound/samples/{application.pk}/").content.decode()
    )
    client_for(world.head).post(url, {"comment": "同意"})
    application.refresh_from_db()
    assert application.waiting_level.code == "sales_director"
    refused = client_for(world.head).post(url)
    assert refused.status_code == 403
    client_for(world.director).post(url)
    application.refresh_from_db()
    assert application.status == SampleStatus.APPROVED
    again = client_for(world.director).post(url)
    assert again.status_code == 409 and "action-error" in again.content.decode()


def test_keeper_guard_and_strangers_cannot_open_the_pages(world, client_for, guard):
    application = world.sample()
    for user in (world.keeper, guard):
        client = client_for(user)
        assert client.get("/outbound/samples/").status_code == 403
        assert client.get(f"/outbound/samples/{application.pk}/").status_code == 403
        assert client.get("/outbound/requests/").status_code == 403
        assert client.get("/outbound/expenses/").status_code == 403
    assert client_for(world.finance).get("/outbound/samples/new/").status_code == 403
    assert client_for(world.clerk).get("/outbound/samples/999999/").status_code == 404


def test_a_request_report_on_the_pages(world, client_for):
    client = client_for(world.clerk)
    answer = client.post(
        "/outbound/requests/new/",
        {
            "purpose": "prize",
            "recipient": "技能竞赛",
            "reason": "一等奖",
            "department": "市场部",
            "warehouse": world.chain.warehouse.pk,
            "product_2": world.products[2].pk,
            "quantity_2": "1",
        },
    )
    assert answer.status_code == 302
    report = NonSaleRequest.objects.get()
    base = f"/outbound/requests/{report.pk}"
    client.post(f"{base}/submit/")
    empty = client_for(world.finance).post(f"{base}/check/", {"opinion": ""})
    assert empty.status_code == 400 and "Write the accountant" in empty.content.decode()
    client_for(world.finance).post(f"{base}/check/", {"opinion": "同意列支"})
    client_for(world.chain.manager).post(f"{base}/endorse/", {"opinion": "同意"})
    client_for(world.deputy).post(f"{base}/approve/", {"comment": "批准"})
    report.refresh_from_db()
    assert report.status == RequestStatus.APPROVED
    page = client.get(f"{base}/").content.decode()
    assert "Issue the outbound slip" in page
    client.post(f"{base}/issue_slip/", {"vehicle_plate": "浙E9"})
    report.refresh_from_db()
    assert report.note.number in client.get(f"{base}/").content.decode()
    assert client.get(f"{base}/nonsense/").status_code in (404, 405)


def test_the_slip_on_the_note_pages_and_in_print(world, client_for, guard):
    application, note = world.sample_slip()
    for user in (world.clerk, world.finance, world.keeper, world.chain.manager):
        page = client_for(user).get(f"/orders/notes/{note.pk}/")
        assert page.status_code == 200, user
        assert "Sample" in page.content.decode()
    assert client_for(world.keeper).get(f"/orders/notes/{note.pk}/dispatch/").status_code == 200
    pdf = client_for(world.clerk).get(f"/orders/notes/{note.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    for url in (f"/outbound/samples/{application.pk}/pdf/",):
        answer = client_for(world.clerk).get(url)
        assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    report, _ = world.request_slip()
    answer = client_for(world.finance).get(f"/outbound/requests/{report.pk}/pdf/")
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    assert client_for(world.clerk).get("/orders/notes/").status_code == 200


def test_the_expense_report_page_and_its_downloads(world, client_for):
    world.exited(world.sample_slip()[1])
    client = client_for(world.finance)
    page = client.get("/outbound/expenses/")
    assert page.status_code == 200 and "126.00" in page.content.decode()
    csv = client.get("/outbound/expenses/?format=csv")
    assert csv["Content-Type"].startswith("text/csv") and "126.00" in csv.content.decode(
        "utf-8-sig"
    )
    xlsx = client.get("/outbound/expenses/?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_lists_keep_their_query_count(world, client_for, django_assert_max_num_queries):
    for _ in range(3):
        world.sample(customer=world.chain.customer)
        world.request()
    client = client_for(world.chain.manager)
    client.get("/outbound/samples/")
    with django_assert_max_num_queries(12):
        assert client.get("/outbound/samples/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/outbound/requests/").status_code == 200
