"""Delivery note pages through HTTP: who reaches them, and the chain's actions
(stamp, override, dispatch, top-up, cancel) called from the browser."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from customers.enums import CreditTerms
from customers.models import Customer
from finance.services import payment_record
from inventory.models import BatchLevel, StockLevel, StockMove
from orders.enums import Coverage, NoteStatus
from orders.models import DeliveryNote, DispatchAllocation
from salesadmin.models import TransitionLog
from tests.chain import receive_stock
from tests.factories import BatchFactory, CustomerFactory

ROLES = ("clerk", "finance", "keeper", "guard", "manager")
SECRET_CUSTOMER = "安吉县保密客户有限公司"


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _levels(chain, product):
    level = StockLevel.objects.get(product=product, warehouse=chain.warehouse)
    return level.on_hand, level.reserved


def _suggested_post(response) -> dict:
    """What the keeper submits when accepting the form's FIFO suggestion."""
    form = response.context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def _prepaid_chain_note(chain, *, paid: Decimal | None):
    customer = CustomerFactory(credit_terms=CreditTerms.PREPAID, credit_limit=Decimal("0"))
    if paid:
        payment_record(customer=customer, amount=paid, user=chain.finance, reference="PRE-1")
    return chain.note(chain.order(customer=customer))


# --- Who reaches the pages -------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_note_list_and_detail_serve_chain_roles_and_refuse_the_guard(
    role, personas, client_for, chain
):
    note = chain.note()
    client = client_for(personas[role])
    allowed = role != "guard"
    for url in ("/orders/notes/", f"/orders/notes/{note.pk}/"):
        assert client.get(url).status_code == (200 if allowed else 403), url


@pytest.mark.parametrize("role", ROLES)
def test_dispatch_form_is_the_warehouse_keepers(role, personas, client_for, chain):
    note = chain.stamped()
    response = client_for(personas[role]).get(f"/orders/notes/{note.pk}/dispatch/")
    assert response.status_code == (200 if role in ("keeper", "manager") else 403)


def test_guard_cannot_act_on_a_note(guard, client_for, chain):
    note = chain.note()
    response = client_for(guard).post(f"/orders/notes/{note.pk}/cancel/", {"reason": "x"})
    assert response.status_code == 403
    note.refresh_from_db()
    assert note.status == NoteStatus.ISSUED


def test_keeper_sees_goods_but_not_customer_or_prices(keeper, client_for, chain):
    note = chain.stamped()
    body = client_for(keeper).get(f"/orders/notes/{note.pk}/").content.decode()
    assert note.number in body and "液氧" in body
    assert SECRET_CUSTOMER not in body
    assert "850.00" not in body  # the note's value
    list_body = client_for(keeper).get("/orders/notes/").content.decode()
    assert note.number in list_body and SECRET_CUSTOMER not in list_body


def test_note_list_filters_by_status_day_and_search(clerk, client_for, chain):
    issued = chain.note(chain.order(("1",)))
    stamped = chain.stamped(chain.note(chain.order(("2",))))
    old = chain.note(chain.order(("3",)))
    DeliveryNote.objects.filter(pk=old.pk).update(issue_date=dt.date(2020, 1, 2))
    client = client_for(clerk)

    today = {n.pk for n in client.get("/orders/notes/").context["page"].object_list}
    assert today == {issued.pk, stamped.pk}
    by_status = client.get("/orders/notes/?status=stamped").context["page"].object_list
    assert [n.pk for n in by_status] == [stamped.pk]
    every_day = client.get("/orders/notes/?date=").context["page"].object_list
    assert {n.pk for n in every_day} == {issued.pk, stamped.pk, old.pk}
    by_number = client.get(f"/orders/notes/?date=&q={old.number}").context["page"].object_list
    assert [n.pk for n in by_number] == [old.pk]
    by_customer = client.get("/orders/notes/?q=保密客户").context["page"].object_list
    assert {n.pk for n in by_customer} == {issued.pk, stamped.pk}
    impossible = client.get("/orders/notes/?date=2026-02-30")
    assert impossible.status_code == 200 and impossible.context["day"] == issued.issue_date  # today


def test_a_stale_note_expires_when_its_page_is_opened(clerk, client_for, chain):
    note = chain.note()
    DeliveryNote.objects.filter(pk=note.pk).update(issue_date=dt.date(2020, 1, 2))
    product = chain.products[0]
    _on_hand, reserved_before = _levels(chain, product)

    response = client_for(clerk).get(f"/orders/notes/{note.pk}/")

    note.refresh_from_db()
    assert response.status_code == 200
    assert note.status == NoteStatus.EXPIRED
    assert _levels(chain, product)[1] == reserved_before - Decimal("10")


# --- Finance stamp (财务签章) ------------------------------------------------------


def test_finance_sees_the_coverage_picture_and_stamps_a_covered_note(finance, client_for, chain):
    note = chain.note()
    client = client_for(finance)
    page = client.get(f"/orders/notes/{note.pk}/")
    assert page.context["picture"].covered
    assert "Stamp (财务签章)" in page.content.decode()

    response = client.post(f"/orders/notes/{note.pk}/stamp/", follow=True)

    note.refresh_from_db()
    assert response.status_code == 200
    assert note.status == NoteStatus.STAMPED
    assert (note.stamped_by, note.coverage) == (finance, Coverage.CREDIT)
    assert note.covered_amount == note.value


def test_stamp_is_refused_for_a_customer_on_hold_and_the_note_is_unchanged(
    finance, client_for, chain
):
    note = chain.note()
    Customer.objects.filter(pk=chain.customer.pk).update(
        on_credit_hold=True, credit_hold_reason="overdue"
    )
    client = client_for(finance)
    page = client.get(f"/orders/notes/{note.pk}/").content.decode()
    # Finance sees why: not covered, and no stamp button, only the refused rule.
    assert "Not covered" in page and "credit hold" in page
    assert f'action="/orders/notes/{note.pk}/stamp/"' not in page

    response = client.post(f"/orders/notes/{note.pk}/stamp/")

    note.refresh_from_db()
    assert response.status_code == 302
    assert "does not cover this note" in " ".join(_messages(response))
    assert note.status == NoteStatus.ISSUED and note.stamped_by is None
    assert not TransitionLog.objects.filter(document_id=note.pk, transition="stamp").exists()


def test_stamp_is_refused_for_a_prepaid_customer_who_has_not_paid(finance, client_for, chain):
    note = _prepaid_chain_note(chain, paid=None)
    client = client_for(finance)
    picture = client.get(f"/orders/notes/{note.pk}/").context["picture"]
    assert not picture.covered and picture.shortfall == note.value

    response = client.post(f"/orders/notes/{note.pk}/stamp/")

    note.refresh_from_db()
    assert "does not cover this note" in " ".join(_messages(response))
    assert note.status == NoteStatus.ISSUED


def test_prepaid_customer_who_paid_is_stamped_as_prepayment(finance, client_for, chain):
    note = _prepaid_chain_note(chain, paid=Decimal("850.00"))
    client_for(finance).post(f"/orders/notes/{note.pk}/stamp/")
    note.refresh_from_db()
    assert (note.status, note.coverage) == (NoteStatus.STAMPED, Coverage.PREPAYMENT)


def test_manager_overrides_with_a_reason_and_the_reason_is_kept(manager, client_for, chain):
    note = _prepaid_chain_note(chain, paid=None)
    client = client_for(manager)
    page = client.get(f"/orders/notes/{note.pk}/").content.decode()
    assert f'action="/orders/notes/{note.pk}/stamp_override/"' in page

    client.post(f"/orders/notes/{note.pk}/stamp_override/", {"reason": "老客户，总经理担保"})

    note.refresh_from_db()
    assert note.status == NoteStatus.STAMPED
    assert (note.coverage, note.override_reason) == (Coverage.OVERRIDE, "老客户，总经理担保")
    log = TransitionLog.objects.get(document_id=note.pk, transition="stamp_override")
    assert (log.user, log.comment) == (manager, "老客户，总经理担保")


def test_override_without_a_reason_is_refused(manager, client_for, chain):
    note = _prepaid_chain_note(chain, paid=None)
    response = client_for(manager).post(
        f"/orders/notes/{note.pk}/stamp_override/", {"reason": "   "}
    )
    note.refresh_from_db()
    assert "reason" in " ".join(_messages(response))
    assert note.status == NoteStatus.ISSUED


def test_finance_is_not_offered_the_override(finance, client_for, chain):
    note = _prepaid_chain_note(chain, paid=None)
    page = client_for(finance).get(f"/orders/notes/{note.pk}/").content.decode()
    assert "stamp_override" not in page
    response = client_for(finance).post(
        f"/orders/notes/{note.pk}/stamp_override/", {"reason": "please"}
    )
    note.refresh_from_db()
    assert response.status_code == 403
    assert note.status == NoteStatus.ISSUED


def test_clerk_posting_a_stamp_gets_403(clerk, client_for, chain):
    note = chain.note()
    response = client_for(clerk).post(f"/orders/notes/{note.pk}/stamp/")
    note.refresh_from_db()
    assert response.status_code == 403
    assert note.status == NoteStatus.ISSUED


def test_actions_only_take_post(finance, client_for, chain):
    note = chain.note()
    assert client_for(finance).get(f"/orders/notes/{note.pk}/stamp/").status_code == 405
    note.refresh_from_db()
    assert note.status == NoteStatus.ISSUED


# --- Warehouse dispatch (仓库出库) ------------------------------------------------


def test_dispatch_with_the_fifo_suggestion_moves_stock_out(keeper, client_for, chain):
    oxygen = chain.products[0]
    older = BatchFactory(product=oxygen, number="OLD-1", produced_on=dt.date(2025, 12, 1))
    receive_stock(product=oxygen, warehouse=chain.warehouse, batch=older, quantity="4", user=keeper)
    note = chain.stamped()
    before = {p.pk: _levels(chain, p) for p in chain.products}
    client = client_for(keeper)

    form_page = client.get(f"/orders/notes/{note.pk}/dispatch/")
    oxygen_line = next(i for i in form_page.context["lines"] if i.product == oxygen)
    # Oldest first: the 4 of the December batch, then 6 of the newer one.
    assert [(p.batch.number, p.suggested) for p in oxygen_line.picks] == [
        ("OLD-1", Decimal("4")),
        (chain.batches[oxygen.pk].number, Decimal("6")),
    ]
    assert 'inputmode="decimal"' in form_page.content.decode()

    response = client.post(f"/orders/notes/{note.pk}/dispatch/", _suggested_post(form_page))

    note.refresh_from_db()
    assert response.status_code == 302
    assert note.status == NoteStatus.DISPATCHED
    for line in note.lines.all():
        on_hand, reserved = _levels(chain, line.product)
        assert on_hand == before[line.product_id][0] - line.quantity
        assert reserved == before[line.product_id][1] - line.quantity
    assert BatchLevel.objects.get(batch=older).on_hand == 0
    assert sorted(
        DispatchAllocation.objects.filter(note_line__product=oxygen).values_list(
            "batch__number", "quantity"
        )
    ) == sorted([("OLD-1", Decimal("4")), (chain.batches[oxygen.pk].number, Decimal("6"))])


def test_a_weight_outside_the_tolerance_is_refused_and_nothing_moves(keeper, client_for, chain):
    note = chain.stamped()
    liquid = chain.products[1]  # weighed, 100 kg on the note
    before = {p.pk: _levels(chain, p) for p in chain.products}
    client = client_for(keeper)
    data = _suggested_post(client.get(f"/orders/notes/{note.pk}/dispatch/"))
    field = next(k for k in data if k.endswith(f"-{chain.batches[liquid.pk].pk}"))
    data[field] = "110"  # 10% over; 5% allowed

    response = client.post(f"/orders/notes/{note.pk}/dispatch/", data)

    note.refresh_from_db()
    assert response.status_code == 200
    assert "allowed difference" in response.content.decode()
    assert note.status == NoteStatus.STAMPED
    assert {p.pk: _levels(chain, p) for p in chain.products} == before
    assert not StockMove.objects.filter(reference=note.number).exists()
    assert not DispatchAllocation.objects.exists()


def test_loading_more_than_covered_waits_for_a_top_up_then_restamp(
    keeper, finance, client_for, chain
):
    # Given a prepaid customer who paid exactly the note's value
    note = chain.stamped(_prepaid_chain_note(chain, paid=Decimal("850.00")))
    liquid = chain.products[1]
    keeper_client, finance_client = client_for(keeper), client_for(finance)
    data = _suggested_post(keeper_client.get(f"/orders/notes/{note.pk}/dispatch/"))
    field = next(k for k in data if k.endswith(f"-{chain.batches[liquid.pk].pk}"))
    data[field] = "104"  # within 5%, worth 6.00 more than covered

    # When the keeper records it
    response = keeper_client.post(f"/orders/notes/{note.pk}/dispatch/", data)

    # Then the note waits for a top-up
    note.refresh_from_db()
    assert "more than finance covered" in " ".join(_messages(response))
    assert note.status == NoteStatus.AWAITING_TOPUP
    assert note.actual_value == Decimal("856.00")

    # A restamp before the money comes is refused
    refused = finance_client.post(f"/orders/notes/{note.pk}/restamp/")
    note.refresh_from_db()
    assert "does not cover what was loaded" in " ".join(_messages(refused))
    assert note.status == NoteStatus.AWAITING_TOPUP

    # After the payment, the restamp lets the truck go
    finance_client.post(
        "/finance/payments/new/",
        {
            "customer": note.customer_id,
            "amount": "6.00",
            "method": "bank_transfer",
            "reference": "TOPUP-1",
            "entry_date": note.issue_date.isoformat(),
            "note": "",
        },
    )
    finance_client.post(f"/orders/notes/{note.pk}/restamp/")
    note.refresh_from_db()
    assert note.status == NoteStatus.DISPATCHED
    assert note.covered_amount == Decimal("856.00")


def test_dispatch_form_for_a_note_not_stamped_sends_back_to_the_note(keeper, client_for, chain):
    note = chain.note()
    response = client_for(keeper).post(f"/orders/notes/{note.pk}/dispatch/", {})
    note.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == f"/orders/notes/{note.pk}/"
    assert note.status == NoteStatus.ISSUED


# --- Cancel ------------------------------------------------------------------------


def test_cancel_with_a_reason_releases_the_reservation(clerk, client_for, chain):
    note = chain.stamped()
    product = chain.products[0]
    on_hand, reserved = _levels(chain, product)

    client_for(clerk).post(f"/orders/notes/{note.pk}/cancel/", {"reason": "客户改期"})

    note.refresh_from_db()
    assert (note.status, note.cancel_reason) == (NoteStatus.CANCELLED, "客户改期")
    assert _levels(chain, product) == (on_hand, reserved - Decimal("10"))


def test_cancel_without_a_reason_is_refused(clerk, client_for, chain):
    note = chain.note()
    client_for(clerk).post(f"/orders/notes/{note.pk}/cancel/", {"reason": ""})
    note.refresh_from_db()
    assert note.status == NoteStatus.ISSUED


# --- Query counts ------------------------------------------------------------------


@pytest.mark.parametrize("notes", [3, 30])
def test_note_list_query_count_does_not_grow(
    notes, finance, client_for, chain, django_assert_max_num_queries
):
    for _ in range(notes):
        chain.note(chain.order(("1", "1", "1")))
    client = client_for(finance)
    with django_assert_max_num_queries(8):
        response = client.get("/orders/notes/")
    assert len(response.context["page"].object_list) == notes
