"""The gate over the API: PASS or STOP, vehicle and goods, never customer or price."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from orders.enums import NoteStatus
from orders.models import DeliveryNote, GateCheck, GateExit
from orders.services.exit_pass import exit_pass_token
from tests.api.conftest import leaves

CHECK = "/api/v1/exit-passes/check/"
EXIT = "/api/v1/exit-passes/exit/"
SECRET_CUSTOMER = "安吉县保密客户有限公司"
SECRET_KEYS = {"customer", "unit_price", "amount", "value", "price", "total", "actual_value"}


def assert_keeps_commercial_secrets(response, note):
    """No customer, no unit price, no amount or value anywhere in the answer."""
    text = response.content.decode()
    assert SECRET_CUSTOMER not in text
    assert chain_customer_code(note) not in text
    values = [v for v in leaves(response.json()) if v is not None]
    assert not SECRET_KEYS & {v for v in values if isinstance(v, str)}
    secrets = {"30.00", "1.50", "80.00", "300.00", "150.00", "400.00", str(note.value)}
    assert not secrets & {v for v in values if isinstance(v, str)}


def chain_customer_code(note) -> str:
    return DeliveryNote.objects.select_related("customer").get(pk=note.pk).customer.code


@pytest.fixture
def gate(api_for, guard):
    return api_for(guard)


def test_a_dispatched_note_passes_with_vehicle_and_goods(chain, gate):
    note = chain.dispatched()

    response = gate.post(CHECK, {"code": note.pass_code}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["passed"], body["reason"], body["note_number"]) == (True, "", note.number)
    assert body["vehicle_plate"] == "浙E12345"
    assert [g["product"] for g in body["goods"]] == ["氧气", "液氧", "氩气"]
    assert body["goods"][0]["quantity"] == "10.000"
    assert body["goods"][0]["batches"] == [chain.batches[chain.products[0].pk].number]
    assert_keeps_commercial_secrets(response, note)
    assert GateCheck.objects.filter(note=note, passed=True).count() == 1
    assert DeliveryNote.objects.get(pk=note.pk).status == NoteStatus.DISPATCHED  # nobody left


def test_the_scanned_qr_token_works_like_the_short_code(chain, gate):
    note = chain.dispatched()

    response = gate.post(CHECK, {"code": exit_pass_token(note)}, format="json")

    assert response.json()["passed"] is True


def test_exit_lets_the_truck_out_once(chain, gate):
    note = chain.dispatched()

    first = gate.post(EXIT, {"code": note.pass_code, "vehicle_plate": "浙E12345"}, format="json")
    again = gate.post(EXIT, {"code": note.pass_code, "vehicle_plate": "浙E12345"}, format="json")

    assert first.status_code == 200
    assert first.json()["passed"] is True
    assert first.json()["exited_at"]
    assert_keeps_commercial_secrets(first, note)
    assert DeliveryNote.objects.get(pk=note.pk).status == NoteStatus.EXITED
    assert (again.status_code, again.json()["passed"], again.json()["reason"]) == (
        200,
        False,
        "used",
    )
    assert again.json()["exited_at"] is None
    assert_keeps_commercial_secrets(again, note)
    assert GateExit.objects.filter(note=note).count() == 1


def test_a_check_after_the_exit_says_used(chain, gate):
    note = chain.dispatched()
    gate.post(EXIT, {"code": note.pass_code, "vehicle_plate": "浙E12345"}, format="json")

    response = gate.post(CHECK, {"code": note.pass_code}, format="json")

    assert (response.json()["passed"], response.json()["reason"]) == (False, "used")


def test_a_forged_token_is_stopped(chain, gate):
    note = chain.dispatched()
    token = exit_pass_token(note)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    response = gate.post(EXIT, {"code": forged, "vehicle_plate": "浙E12345"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["passed"], body["reason"], body["note_number"], body["goods"]) == (
        False,
        "forged",
        None,
        [],
    )
    assert body["message"]
    assert DeliveryNote.objects.get(pk=note.pk).status == NoteStatus.DISPATCHED


def test_an_unknown_code_is_stopped(chain, gate):
    response = gate.post(CHECK, {"code": "ZZZZ-ZZZZ"}, format="json")

    assert (response.json()["passed"], response.json()["reason"]) == (False, "unknown")


@pytest.mark.parametrize(
    ("stage", "reason"), [("issued", "not_stamped"), ("stamped", "not_loaded")]
)
def test_a_note_not_yet_loaded_is_stopped(chain, gate, stage, reason):
    note = chain.note() if stage == "issued" else chain.stamped()

    check = gate.post(CHECK, {"code": note.pass_code}, format="json")
    exit_ = gate.post(EXIT, {"code": note.pass_code, "vehicle_plate": "浙E12345"}, format="json")

    assert (check.json()["passed"], check.json()["reason"]) == (False, reason)
    assert (exit_.json()["passed"], exit_.json()["reason"]) == (False, reason)
    assert_keeps_commercial_secrets(check, note)
    assert_keeps_commercial_secrets(exit_, note)
    assert DeliveryNote.objects.get(pk=note.pk).status == stage
    assert not GateExit.objects.exists()


def test_yesterdays_pass_is_stopped(chain, gate):
    note = chain.dispatched()
    DeliveryNote.objects.filter(pk=note.pk).update(issue_date=note.issue_date - timedelta(days=1))

    response = gate.post(EXIT, {"code": note.pass_code, "vehicle_plate": "浙E12345"}, format="json")

    assert (response.json()["passed"], response.json()["reason"]) == (False, "other_day")
    assert DeliveryNote.objects.get(pk=note.pk).status == NoteStatus.DISPATCHED


def test_a_blank_plate_stops_the_exit(chain, gate):
    note = chain.dispatched()

    response = gate.post(EXIT, {"code": note.pass_code}, format="json")

    assert (response.json()["passed"], response.json()["reason"]) == (False, "plate_required")
    assert DeliveryNote.objects.get(pk=note.pk).status == NoteStatus.DISPATCHED


@pytest.mark.parametrize(
    "body", [{}, {"code": ""}, {"code": ["A"]}, {"code": {"n": 1}}, {"code": "x" * 301}]
)
def test_a_request_without_a_code_is_a_400(chain, gate, body):
    response = gate.post(CHECK, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_a_non_json_scan_is_a_400(chain, gate):
    response = gate.generic("POST", EXIT, "code=ABC", content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (400, "parse_error")


@pytest.mark.parametrize("role", ["clerk", "finance", "keeper"])
def test_only_the_gate_uses_exit_passes(chain, api_for, personas, role):
    note = chain.dispatched()
    client = api_for(personas[role])

    check = client.post(CHECK, {"code": note.pass_code}, format="json")
    exit_ = client.post(EXIT, {"code": note.pass_code, "vehicle_plate": "X"}, format="json")

    assert (check.status_code, exit_.status_code) == (403, 403)
    assert DeliveryNote.objects.get(pk=note.pk).status == NoteStatus.DISPATCHED
    assert not GateCheck.objects.exists()


def test_the_schema_documents_stop_as_a_200(api_for, manager):
    schema = api_for(manager).get("/api/schema/", {"format": "json"})

    operation = json.loads(schema.content)["paths"]["/api/v1/exit-passes/exit/"]["post"]
    assert "200 with `passed: false`" in operation["description"]
    assert set(operation["responses"]) >= {"200", "400", "403"}
    assert api_for(manager).get("/api/docs/").status_code == 200
