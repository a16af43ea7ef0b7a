"""Bulk actions (issue 12, item 5): approve several orders, stamp several covered
notes, print several notes in one PDF. Each item succeeds or fails on its own, in
its own transaction, with its reason; through the services, the pages and the API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from customers.enums import CreditTerms
from orders.enums import NoteStatus, OrderStatus
from orders.models import DeliveryNote, SalesOrder
from orders.services.bulk import delivery_notes_stamp_many, sales_orders_approve_many
from orders.services.delivery_notes import delivery_note_cancel
from salesadmin.errors import ApplicationError
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _status(model, pk) -> str:
    return model.objects.values_list("status", flat=True).get(pk=pk)


def _below_list(chain):
    return chain.order(("10",), prices=[Decimal("28.00")])  # waits, needs no comment


def _below_minimum(chain):
    return chain.order(("10",), prices=[Decimal("20.00")])  # waits, needs a comment


def _uncovered(chain):
    prepaid = CustomerFactory(credit_terms=CreditTerms.PREPAID, credit_limit=Decimal("0.00"))
    return chain.note(chain.order(("10",), customer=prepaid))


# --- services -------------------------------------------------------------------------


def test_approve_many_approves_each_and_reports_the_refused_one(chain):
    plain, below_min, draft = (
        _below_list(chain),
        _below_minimum(chain),
        chain.order(submit=False),
    )

    results = sales_orders_approve_many(
        ids=[plain.pk, below_min.pk, draft.pk, 999_999], user=chain.manager
    )

    assert [(r.id, r.ok, r.code) for r in results] == [
        (plain.pk, True, ""),
        (below_min.pk, False, "comment_required"),
        (draft.pk, False, "invalid_state"),
        (999_999, False, "not_found"),
    ]
    assert _status(SalesOrder, plain.pk) == OrderStatus.APPROVED
    assert _status(SalesOrder, below_min.pk) == OrderStatus.SUBMITTED
    assert _status(SalesOrder, draft.pk) == OrderStatus.DRAFT


def test_approve_many_with_a_comment_approves_below_the_minimum_too(chain):
    orders = [_below_list(chain), _below_minimum(chain)]

    results = sales_orders_approve_many(
        ids=[o.pk for o in orders], user=chain.manager, comment="月底清库存"
    )

    assert all(r.ok for r in results)
    assert {_status(SalesOrder, o.pk) for o in orders} == {OrderStatus.APPROVED}


def test_approve_many_is_for_managers_only(chain):
    order = _below_list(chain)

    with pytest.raises(PermissionDenied):
        sales_orders_approve_many(ids=[order.pk], user=chain.clerk)

    assert _status(SalesOrder, order.pk) == OrderStatus.SUBMITTED


@pytest.mark.parametrize(
    ("ids", "code"), [([], "nothing_chosen"), (list(range(1, 102)), "too_many")]
)
def test_approve_many_needs_one_to_a_hundred(chain, ids, code):
    with pytest.raises(ApplicationError) as excinfo:
        sales_orders_approve_many(ids=ids, user=chain.manager)
    assert excinfo.value.code == code


def test_stamp_many_stamps_the_covered_and_refuses_the_rest(chain):
    covered, uncovered = chain.note(), _uncovered(chain)
    cancelled = chain.note()
    delivery_note_cancel(note=cancelled, user=chain.clerk, reason="错单")

    results = delivery_notes_stamp_many(
        ids=[covered.pk, uncovered.pk, cancelled.pk], user=chain.finance
    )

    assert [(r.id, r.ok, r.code) for r in results] == [
        (covered.pk, True, ""),
        (uncovered.pk, False, "not_covered"),
        (cancelled.pk, False, "invalid_state"),
    ]
    assert results[1].message  # the reason, in words
    assert _status(DeliveryNote, covered.pk) == NoteStatus.STAMPED
    assert _status(DeliveryNote, uncovered.pk) == NoteStatus.ISSUED


@pytest.mark.parametrize("persona", ["clerk", "keeper"])
def test_stamp_many_is_for_finance(request, chain, persona):
    note = chain.note()
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        delivery_notes_stamp_many(ids=[note.pk], user=user)
    assert _status(DeliveryNote, note.pk) == NoteStatus.ISSUED


# --- pages ----------------------------------------------------------------------------


def test_the_approval_page_approves_the_ticked_orders(chain, client_for):
    plain, below_min = _below_list(chain), _below_minimum(chain)
    client = client_for(chain.manager)
    assert 'form="bulk-approve"' in client.get("/orders/approvals/").content.decode()

    response = client.post("/orders/approvals/approve/", {"ids": [plain.pk, below_min.pk]})

    html = response.content.decode()
    assert response.status_code == 200
    assert "1 of 2 done" in html
    assert "A price is below the minimum: say why you approve it." in html
    assert _status(SalesOrder, plain.pk) == OrderStatus.APPROVED
    assert _status(SalesOrder, below_min.pk) == OrderStatus.SUBMITTED


def test_the_note_list_stamps_the_ticked_notes(chain, client_for):
    covered, uncovered = chain.note(), _uncovered(chain)
    client = client_for(chain.finance)
    assert "Stamp the ticked notes" in client.get("/orders/notes/").content.decode()

    response = client.post("/orders/notes/stamp/", {"ids": [covered.pk, uncovered.pk]})

    html = response.content.decode()
    assert "1 of 2 done" in html
    assert 'data-result="not_covered"' in html
    assert _status(DeliveryNote, covered.pk) == NoteStatus.STAMPED


def test_the_pages_refuse_the_wrong_role(chain, client_for):
    order, note = _below_list(chain), chain.note()
    assert (
        client_for(chain.clerk).post("/orders/approvals/approve/", {"ids": [order.pk]}).status_code
        == 403
    )
    assert (
        client_for(chain.clerk).post("/orders/notes/stamp/", {"ids": [note.pk]}).status_code == 403
    )
    assert (
        "Stamp the ticked notes"
        not in client_for(chain.clerk).get("/orders/notes/").content.decode()
    )
    assert _status(SalesOrder, order.pk) == OrderStatus.SUBMITTED
    assert _status(DeliveryNote, note.pk) == NoteStatus.ISSUED


def test_nothing_ticked_is_said(chain, client_for):
    response = client_for(chain.finance).post("/orders/notes/stamp/", {"ids": []})
    assert "Choose at least one document." in response.content.decode()


def test_print_several_notes_in_one_pdf(chain, client_for):
    notes = [chain.note(), chain.stamped()]

    response = client_for(chain.keeper).post("/orders/notes/print/", {"ids": [n.pk for n in notes]})

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    single = client_for(chain.keeper).get(f"/orders/notes/{notes[0].pk}/pdf/")
    assert len(response.content) > len(single.content)  # both notes' copies


def test_print_refuses_a_void_note_and_offers_the_rest(chain, client_for):
    good, void = chain.note(), chain.note()
    delivery_note_cancel(note=void, user=chain.clerk, reason="错单")

    response = client_for(chain.clerk).post("/orders/notes/print/", {"ids": [good.pk, void.pk]})

    html = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert 'data-result="void"' in html
    assert f'name="ids" value="{good.pk}"' in html and f'name="ids" value="{void.pk}"' not in html


# --- API ------------------------------------------------------------------------------


def test_api_approve_many(chain, client_for):
    from rest_framework.test import APIClient

    plain, below_min = _below_list(chain), _below_minimum(chain)
    api = APIClient()
    api.force_authenticate(chain.manager)

    response = api.post(
        "/api/v1/orders/approve-many/", {"ids": [plain.pk, below_min.pk]}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["done"] == 1
    assert [(r["id"], r["ok"], r["code"]) for r in body["results"]] == [
        (plain.pk, True, ""),
        (below_min.pk, False, "comment_required"),
    ]


def test_api_stamp_many_and_the_wrong_role(chain):
    from rest_framework.test import APIClient

    covered, uncovered = chain.note(), _uncovered(chain)
    api = APIClient()
    api.force_authenticate(chain.clerk)
    assert (
        api.post("/api/v1/delivery-notes/stamp-many/", {"ids": [covered.pk]}, format="json")
    ).status_code == 403
    api.force_authenticate(chain.finance)

    response = api.post(
        "/api/v1/delivery-notes/stamp-many/", {"ids": [covered.pk, uncovered.pk]}, format="json"
    )

    assert response.status_code == 200
    assert [r["ok"] for r in response.json()["results"]] == [True, False]
    assert response.json()["results"][1]["code"] == "not_covered"


def test_api_refuses_an_empty_or_long_list(chain):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(chain.finance)
    for ids in ([], list(range(1, 102))):
        response = api.post("/api/v1/delivery-notes/stamp-many/", {"ids": ids}, format="json")
        assert response.status_code == 400


def test_api_print_many(chain):
    from rest_framework.test import APIClient

    good, void = chain.note(), chain.note()
    delivery_note_cancel(note=void, user=chain.clerk, reason="错单")
    api = APIClient()
    api.force_authenticate(chain.keeper)

    refused = api.post("/api/v1/delivery-notes/print/", {"ids": [good.pk, void.pk]}, format="json")
    printed = api.post("/api/v1/delivery-notes/print/", {"ids": [good.pk]}, format="json")

    assert refused.status_code == 400
    assert refused.json()["code"] == "not_printable"
    assert [r["code"] for r in refused.json()["results"]] == ["", "void"]
    assert printed.status_code == 200
    assert printed.content.startswith(b"%PDF")
