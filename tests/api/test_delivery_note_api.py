"""Delivery notes over the API: issue, finance stamp, dispatch, top-up restamp, cancel."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from customers.enums import CreditTerms
from finance.services import payment_record
from inventory.models import StockLevel, StockMove
from orders.enums import NoteStatus, OrderStatus
from orders.models import DeliveryNote, DispatchAllocation
from orders.services.sales_orders import LineInput, sales_order_create, sales_order_submit
from tests.factories import BatchFactory, CustomerFactory

NOTES = "/api/v1/delivery-notes/"


def url(note, action=""):
    return f"{NOTES}{note.pk}/{action + '/' if action else ''}"


def status_of(note) -> str:
    return DeliveryNote.objects.get(pk=note.pk).status


def level(chain, product_index=0) -> StockLevel:
    return StockLevel.objects.get(product=chain.products[product_index], warehouse=chain.warehouse)


def dispatch_payload(chain, note, *, factor=Decimal("1")):
    return {
        "lines": [
            {
                "note_line": line.pk,
                "allocations": [
                    {
                        "batch": chain.batches[line.product_id].pk,
                        "quantity": str((line.quantity * factor).quantize(Decimal("0.001"))),
                    }
                ],
            }
            for line in note.lines.all()
        ]
    }


def liquid_oxygen_order(chain, customer, kg="100"):
    """An approved order for liquid oxygen alone (weighed, 1.50 a kg)."""
    order = sales_order_create(
        user=chain.clerk,
        customer=customer,
        lines=[LineInput(product=chain.products[1], quantity=Decimal(kg))],
    )
    return sales_order_submit(order=order, user=chain.clerk)


def unpaid_prepaid_note(chain):
    """A note for a prepaid customer who has paid nothing: not covered."""
    return chain.note(chain.order(customer=CustomerFactory(credit_terms=CreditTerms.PREPAID)))


def prepaid_awaiting_topup(chain):
    """A prepaid customer paid exactly 150.00 for 100 kg of liquid oxygen; the
    weighbridge showed 104 kg (within tolerance), worth 156.00: waiting for 6.00."""
    customer = CustomerFactory(credit_terms=CreditTerms.PREPAID)
    note = chain.note(liquid_oxygen_order(chain, customer))
    payment_record(customer=customer, amount="150.00", user=chain.finance, reference="PRE-1")
    note = chain.stamped(note)
    from orders.services.dispatch import delivery_note_dispatch

    note = delivery_note_dispatch(
        note=note, user=chain.keeper, lines=chain.dispatch_lines(note, factor=Decimal("1.04"))
    )
    assert note.status == NoteStatus.AWAITING_TOPUP
    return note


# --- issue ---------------------------------------------------------------------------------------


def issue_payload(chain, order, quantities=None):
    lines = list(order.lines.order_by("position"))
    quantities = quantities or [str(ln.quantity) for ln in lines]
    return {
        "warehouse": chain.warehouse.pk,
        "vehicle_plate": "浙e 12345",
        "driver": "王师傅",
        "lines": [
            {"order_line": ln.pk, "quantity": q} for ln, q in zip(lines, quantities, strict=False)
        ],
    }


def test_clerk_issues_a_note_and_stock_is_reserved(chain, api_for):
    order = chain.order()

    response = api_for(chain.clerk).post(
        f"/api/v1/orders/{order.pk}/delivery-notes/",
        issue_payload(chain, order, ["4", "0", "5"]),
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "issued"
    assert body["number"].startswith("DN")
    assert body["value"] == "520.00"  # 4 × 30 + 5 × 80
    assert [ln["quantity"] for ln in body["lines"]] == ["4.000", "5.000"]
    assert body["vehicle_plate"] == "浙E 12345"
    assert level(chain).reserved == Decimal("4")


def test_issue_beyond_the_open_quantity_is_refused(chain, api_for):
    order = chain.order()

    response = api_for(chain.clerk).post(
        f"/api/v1/orders/{order.pk}/delivery-notes/",
        issue_payload(chain, order, ["11"]),
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (400, "over_order")
    assert not DeliveryNote.objects.exists()


def test_issue_beyond_available_stock_is_refused_with_what_is_available(chain, api_for):
    # An order for 991 taken while 1,000 were there (an A contract: no stock held
    # for it), then a first note of 10 leaves 990 available.
    order = chain.order(("991",))
    first = chain.note(chain.order(("10",)))

    response = api_for(chain.clerk).post(
        f"/api/v1/orders/{order.pk}/delivery-notes/",
        issue_payload(chain, order, ["991"]),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "insufficient_stock"
    assert Decimal(response.json()["available"]) == Decimal("990")
    assert list(DeliveryNote.objects.values_list("pk", flat=True)) == [first.pk]
    assert level(chain).reserved == Decimal("10")


def test_issue_from_an_order_not_approved_is_refused(chain, api_for):
    order = chain.order(submit=False)

    response = api_for(chain.clerk).post(
        f"/api/v1/orders/{order.pk}/delivery-notes/", issue_payload(chain, order), format="json"
    )

    assert (response.status_code, response.json()["code"]) == (409, "order_not_approved")
    assert not DeliveryNote.objects.exists()


def test_issue_refuses_a_line_of_another_order(chain, api_for):
    order, other = chain.order(), chain.order()
    payload = issue_payload(chain, order)
    payload["lines"][0]["order_line"] = other.lines.first().pk

    response = api_for(chain.clerk).post(
        f"/api/v1/orders/{order.pk}/delivery-notes/", payload, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (400, "line_mismatch")
    assert not DeliveryNote.objects.exists()


@pytest.mark.parametrize("quantity", ["-1", "abc", None, "1e3000"])
def test_issue_refuses_a_bad_quantity(chain, api_for, quantity):
    order = chain.order()

    response = api_for(chain.clerk).post(
        f"/api/v1/orders/{order.pk}/delivery-notes/",
        issue_payload(chain, order, [quantity]),
        format="json",
    )

    assert response.status_code == 400
    assert not DeliveryNote.objects.exists()


@pytest.mark.parametrize("role", ["finance", "keeper"])
def test_only_sales_issues_notes(chain, api_for, personas, role):
    order = chain.order()

    response = api_for(personas[role]).post(
        f"/api/v1/orders/{order.pk}/delivery-notes/", issue_payload(chain, order), format="json"
    )

    assert response.status_code == 403
    assert not DeliveryNote.objects.exists()


def test_issue_on_an_unknown_order_is_404(chain, api_for):
    response = api_for(chain.clerk).post(
        "/api/v1/orders/999999/delivery-notes/",
        {"warehouse": chain.warehouse.pk, "lines": []},
        format="json",
    )

    assert response.status_code == 404


# --- stamp ---------------------------------------------------------------------------------------


def test_finance_stamps_a_covered_note(chain, api_for):
    note = chain.note()

    response = api_for(chain.finance).post(url(note, "stamp"), {}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "stamped"
    assert body["stamp"]["coverage"] == "credit"
    assert body["stamp"]["stamped_by"] == "finance"
    assert body["stamp"]["covered_amount"] == body["value"]
    assert status_of(note) == NoteStatus.STAMPED


def test_an_uncovered_note_is_not_stamped(chain, api_for):
    note = unpaid_prepaid_note(chain)

    response = api_for(chain.finance).post(url(note, "stamp"), {}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "not_covered"
    assert status_of(note) == NoteStatus.ISSUED


def test_manager_overrides_an_uncovered_note_with_a_reason(chain, api_for):
    note = unpaid_prepaid_note(chain)

    response = api_for(chain.manager).post(
        url(note, "stamp"), {"override_reason": "pays on arrival, GM agreed"}, format="json"
    )

    assert response.status_code == 200
    stamp = response.json()["stamp"]
    assert (stamp["coverage"], stamp["override_reason"]) == (
        "override",
        "pays on arrival, GM agreed",
    )
    assert status_of(note) == NoteStatus.STAMPED


def test_yesterdays_note_is_not_stamped(chain, api_for):
    note = chain.note()
    DeliveryNote.objects.filter(pk=note.pk).update(issue_date=note.issue_date - timedelta(days=1))

    response = api_for(chain.finance).post(url(note, "stamp"), {}, format="json")

    # Valid only on its issue day (当天内有效): expired, never stamped.
    assert response.status_code in (400, 409)
    assert response.json()["code"] in ("invalid_state", "other_day")
    assert status_of(note) in (NoteStatus.ISSUED, NoteStatus.EXPIRED)


# --- dispatch ------------------------------------------------------------------------------------


def test_keeper_dispatches_and_stock_moves_out(chain, api_for):
    note = chain.stamped()
    on_hand = level(chain).on_hand

    response = api_for(chain.keeper).post(
        url(note, "dispatch"), dispatch_payload(chain, note), format="json"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "dispatched"
    assert body["dispatch"]["dispatched_by"] == "keeper"
    first = body["lines"][0]
    assert first["actual_quantity"] == "10.000"
    assert first["allocations"][0]["batch_number"] == chain.batches[chain.products[0].pk].number
    assert level(chain).on_hand == on_hand - 10
    assert status_of(note) == NoteStatus.DISPATCHED
    assert note.order.__class__.objects.get(pk=note.order_id).status == OrderStatus.COMPLETED


def test_dispatch_outside_tolerance_is_refused_and_nothing_moves(chain, api_for):
    note = chain.stamped()
    moves, on_hand, reserved = (
        StockMove.objects.count(),
        level(chain).on_hand,
        level(chain).reserved,
    )
    payload = dispatch_payload(chain, note)
    payload["lines"][0]["allocations"][0]["quantity"] = "9"  # cylinders are counted: no tolerance

    response = api_for(chain.keeper).post(url(note, "dispatch"), payload, format="json")

    assert (response.status_code, response.json()["code"]) == (400, "outside_tolerance")
    assert StockMove.objects.count() == moves
    assert (level(chain).on_hand, level(chain).reserved) == (on_hand, reserved)
    assert not DispatchAllocation.objects.exists()
    assert status_of(note) == NoteStatus.STAMPED


def test_dispatch_must_record_every_line(chain, api_for):
    note = chain.stamped()
    payload = dispatch_payload(chain, note)
    payload["lines"] = payload["lines"][:1]

    response = api_for(chain.keeper).post(url(note, "dispatch"), payload, format="json")

    assert (response.status_code, response.json()["code"]) == (400, "lines_incomplete")
    assert status_of(note) == NoteStatus.STAMPED


def test_dispatch_refuses_a_batch_of_another_product(chain, api_for):
    note = chain.stamped()
    payload = dispatch_payload(chain, note)
    payload["lines"][0]["allocations"][0]["batch"] = BatchFactory(product=chain.products[2]).pk

    response = api_for(chain.keeper).post(url(note, "dispatch"), payload, format="json")

    assert (response.status_code, response.json()["code"]) == (400, "batch_mismatch")
    assert status_of(note) == NoteStatus.STAMPED


def test_dispatch_refuses_a_negative_quantity(chain, api_for):
    note = chain.stamped()
    payload = dispatch_payload(chain, note)
    # Adds up to the note's 10, so only the negative quantity itself is wrong.
    batch = payload["lines"][0]["allocations"][0]["batch"]
    payload["lines"][0]["allocations"] = [
        {"batch": batch, "quantity": "20"},
        {"batch": batch, "quantity": "-10"},
    ]
    moves = StockMove.objects.count()

    response = api_for(chain.keeper).post(url(note, "dispatch"), payload, format="json")

    assert (response.status_code, response.json()["code"]) == (400, "invalid_quantity")
    assert StockMove.objects.count() == moves
    assert status_of(note) == NoteStatus.STAMPED


def test_loaded_above_coverage_waits_for_a_topup(chain, api_for):
    customer = CustomerFactory(credit_terms=CreditTerms.PREPAID)
    note = chain.note(liquid_oxygen_order(chain, customer))
    payment_record(customer=customer, amount="150.00", user=chain.finance, reference="P-1")
    note = chain.stamped(note)

    response = api_for(chain.keeper).post(
        url(note, "dispatch"), dispatch_payload(chain, note, factor=Decimal("1.04")), format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "awaiting_topup"
    # The keeper sees goods, not money; finance sees what was charged.
    assert "actual_value" not in response.json()["dispatch"]
    assert "value" not in response.json() and "customer" not in response.json()
    as_finance = api_for(chain.finance).get(f"/api/v1/delivery-notes/{note.pk}/").json()
    assert as_finance["dispatch"]["actual_value"] == "156.00"


def test_an_unstamped_note_is_not_dispatched(chain, api_for):
    note = chain.note()
    moves = StockMove.objects.count()

    response = api_for(chain.keeper).post(
        url(note, "dispatch"), dispatch_payload(chain, note), format="json"
    )

    assert (response.status_code, response.json()["code"]) == (409, "invalid_state")
    assert StockMove.objects.count() == moves
    assert status_of(note) == NoteStatus.ISSUED


# --- restamp -------------------------------------------------------------------------------------


def test_restamp_waits_for_the_topup_payment(chain, api_for):
    note = prepaid_awaiting_topup(chain)
    client = api_for(chain.finance)

    unpaid = client.post(url(note, "restamp"), {}, format="json")
    assert (unpaid.status_code, unpaid.json()["code"]) == (400, "not_covered")
    assert status_of(note) == NoteStatus.AWAITING_TOPUP

    payment_record(customer=note.customer, amount="6.00", user=chain.finance, reference="TOP-1")
    paid = client.post(url(note, "restamp"), {}, format="json")

    assert paid.status_code == 200
    assert paid.json()["status"] == "dispatched"
    assert status_of(note) == NoteStatus.DISPATCHED


def test_manager_may_restamp_with_a_reason(chain, api_for):
    note = prepaid_awaiting_topup(chain)

    response = api_for(chain.manager).post(
        url(note, "restamp"), {"override_reason": "6 yuan, pays next time"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["stamp"]["coverage"] == "override"
    assert status_of(note) == NoteStatus.DISPATCHED


# --- cancel --------------------------------------------------------------------------------------


def test_clerk_cancels_a_stamped_note_and_stock_is_released(chain, api_for):
    note = chain.stamped()
    assert level(chain).reserved == Decimal("10")

    response = api_for(chain.clerk).post(
        url(note, "cancel"), {"reason": "truck broke down"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancel_reason"] == "truck broke down"
    assert level(chain).reserved == 0


def test_cancel_needs_a_reason(chain, api_for):
    note = chain.note()
    client = api_for(chain.clerk)

    blank = client.post(url(note, "cancel"), {"reason": " "}, format="json")
    missing = client.post(url(note, "cancel"), {}, format="json")

    assert (blank.status_code, blank.json()["code"]) == (400, "reason_required")
    assert missing.status_code == 400
    assert status_of(note) == NoteStatus.ISSUED


# --- refused actions: the answer, and the note left as it was ---------------------------------

NOTE_IN = {
    "issued": (lambda chain: chain.note(), NoteStatus.ISSUED),
    "uncovered": (unpaid_prepaid_note, NoteStatus.ISSUED),
    "stamped": (lambda chain: chain.stamped(), NoteStatus.STAMPED),
    "awaiting_topup": (prepaid_awaiting_topup, NoteStatus.AWAITING_TOPUP),
    "dispatched": (lambda chain: chain.dispatched(), NoteStatus.DISPATCHED),
}
DENIED = (403, "permission_denied")
WRONG_STATE = (409, "invalid_state")
A_REASON = {"reason": "x"}
TRUST_ME = {"override_reason": "trust me"}


@pytest.mark.parametrize(
    ("given", "role", "action", "body", "answer"),
    [
        pytest.param("uncovered", "finance", "stamp", TRUST_ME, DENIED, id="override-by-finance"),
        pytest.param("issued", "clerk", "stamp", {}, DENIED, id="stamp-by-clerk"),
        pytest.param("issued", "keeper", "stamp", {}, DENIED, id="stamp-by-keeper"),
        pytest.param("issued", "guard", "stamp", {}, DENIED, id="stamp-by-guard"),
        pytest.param("stamped", "finance", "stamp", {}, WRONG_STATE, id="stamp-stamped"),
        pytest.param(
            "stamped", "finance", "dispatch", dispatch_payload, DENIED, id="dispatch-by-finance"
        ),
        pytest.param("awaiting_topup", "keeper", "restamp", {}, DENIED, id="restamp-by-keeper"),
        pytest.param("stamped", "finance", "restamp", {}, WRONG_STATE, id="restamp-stamped"),
        pytest.param("issued", "finance", "cancel", A_REASON, DENIED, id="cancel-by-finance"),
        pytest.param(
            "dispatched", "clerk", "cancel", A_REASON, WRONG_STATE, id="cancel-dispatched"
        ),
    ],
)
def test_a_refused_action_leaves_the_note_as_it_was(
    chain, api_for, personas, given, role, action, body, answer
):
    make, status = NOTE_IN[given]
    note = make(chain)
    payload = body(chain, note) if callable(body) else body  # dispatch lines fit their note

    response = api_for(personas[role]).post(url(note, action), payload, format="json")

    assert (response.status_code, response.json()["code"]) == answer
    assert status_of(note) == status


# --- read, and the protected status --------------------------------------------------------------


def test_detail_offers_each_user_only_their_actions(chain, api_for, guard):
    note = chain.note()

    finance = api_for(chain.finance).get(url(note)).json()
    clerk = api_for(chain.clerk).get(url(note)).json()
    keeper = api_for(chain.keeper).get(url(note)).json()

    assert finance["available_transitions"] == ["stamp"]
    assert clerk["available_transitions"] == ["cancel"]
    assert keeper["available_transitions"] == []
    assert api_for(guard).get(url(note)).status_code == 403


@pytest.mark.parametrize("method", ["patch", "put"])
def test_status_cannot_be_written(chain, api_for, method):
    note = chain.note()

    response = getattr(api_for(chain.manager), method)(
        url(note), {"status": "exited"}, format="json"
    )

    assert response.status_code == 405
    assert status_of(note) == NoteStatus.ISSUED


def test_status_in_an_action_body_is_refused(chain, api_for):
    note = chain.note()

    response = api_for(chain.finance).post(url(note, "stamp"), {"status": "exited"}, format="json")

    assert response.status_code == 400
    assert "status" in response.json()["fields"]
    assert status_of(note) == NoteStatus.ISSUED


def test_list_filters_by_status_and_date(chain, api_for):
    issued, stamped = chain.note(), chain.stamped()
    client = api_for(chain.keeper)

    only_stamped = client.get(NOTES, {"status": "stamped"}).json()
    today = client.get(NOTES, {"date": issued.issue_date.isoformat()}).json()
    other_day = client.get(NOTES, {"date": "2000-01-01"}).json()

    assert [n["id"] for n in only_stamped["results"]] == [stamped.pk]
    assert {n["id"] for n in today["results"]} == {issued.pk, stamped.pk}
    assert other_day["count"] == 0
