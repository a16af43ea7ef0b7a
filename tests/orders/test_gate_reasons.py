"""The gate's reason for every state a note can be in, on its issue day and on
a later day, through the service and the API: the state is judged before the
date, so an expired, cancelled or used note is refused for what it is, never
as "other day". Every reason is in plain words in English and Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.utils import translation
from rest_framework.test import APIClient

from orders.enums import NoteStatus
from orders.models import GateExit
from orders.services.exit_pass import (
    SALT,
    STATE_REASONS,
    STOP_REASONS,
    exit_pass_check,
    exit_pass_token,
    exit_pass_use,
)
from salesadmin.clock import company_today
from tests.orders.test_delivery_note_services import _note_in

pytestmark = pytest.mark.django_db

PLATE = "浙E12345"
CHECK = "/api/v1/exit-passes/check/"
EXIT = "/api/v1/exit-passes/exit/"

# state -> (reason on the issue day, reason on a later day); "" is PASS.
EXPECTED = {
    NoteStatus.ISSUED: ("not_stamped", "not_stamped"),
    NoteStatus.STAMPED: ("not_loaded", "not_loaded"),
    NoteStatus.DISPATCHED: ("", "other_day"),
    NoteStatus.AWAITING_TOPUP: ("awaiting_topup", "awaiting_topup"),
    NoteStatus.EXITED: ("used", "used"),
    NoteStatus.CANCELLED: ("cancelled", "cancelled"),
    NoteStatus.EXPIRED: ("expired", "expired"),
}


def test_every_state_has_its_reason():
    assert set(EXPECTED) == set(NoteStatus)
    assert set(STATE_REASONS) | {NoteStatus.DISPATCHED} == set(NoteStatus)
    assert set(STATE_REASONS.values()) | {"other_day"} <= set(STOP_REASONS)


@pytest.fixture
def later_day(monkeypatch):
    """The company clock two days on, for everything that judges "today"."""
    day = company_today() + dt.timedelta(days=2)
    monkeypatch.setattr("orders.models.delivery_notes.company_today", lambda: day)


every_day = pytest.mark.parametrize("later", [False, True], ids=["issue_day", "later_day"])
every_state = pytest.mark.parametrize("state", list(NoteStatus), ids=[s.value for s in NoteStatus])


def _note_and_reason(request, chain, guard, state, later):
    """A note in `state`, judged on its issue day or two days on, and the reason expected."""
    note = _note_in(chain, guard, state)
    if later:
        request.getfixturevalue("later_day")
    return note, EXPECTED[state][later]


@every_day
@every_state
def test_the_service_gives_the_states_reason_before_the_dates(request, chain, guard, state, later):
    note, reason = _note_and_reason(request, chain, guard, state, later)
    exits_before = GateExit.objects.count()

    checked = exit_pass_check(raw=exit_pass_token(note), user=guard)
    used = exit_pass_use(raw=note.pass_code, user=guard, vehicle_plate=PLATE)

    assert (checked.passed, checked.reason) == (not reason, reason)
    assert (used.passed, used.reason) == (not reason, reason)
    assert GateExit.objects.count() == exits_before + (0 if reason else 1)


@every_day
@every_state
def test_the_api_gives_the_states_reason_before_the_dates(request, chain, guard, state, later):
    note, reason = _note_and_reason(request, chain, guard, state, later)
    gate = _gate(guard)

    checked = gate.post(CHECK, {"code": exit_pass_token(note)}, format="json")
    used = gate.post(EXIT, {"code": note.pass_code, "vehicle_plate": PLATE}, format="json")

    for answer in (checked, used):
        assert answer.status_code == 200
        body = answer.json()
        assert (body["passed"], body["reason"]) == (not reason, reason)
        assert body["note_number"] == note.number
        assert body["message"] == (str(STOP_REASONS[reason]) if reason else "PASS")


def _gate(guard) -> APIClient:
    client = APIClient()
    client.force_authenticate(guard)
    return client


def test_forged_unknown_and_plate_refusals_through_the_service_and_the_api(chain, guard):
    note = chain.dispatched()
    forged = signing.dumps({"n": note.pk, "c": note.pass_code}, salt="another-salt")
    stale_code = signing.dumps({"n": note.pk, "c": "ZZZZZZZZ"}, salt=SALT)
    cases = [
        (forged, PLATE, "forged"),
        (stale_code, PLATE, "forged"),  # a genuine signature for a code the note no longer has
        ("NOPE-1234", PLATE, "unknown"),
        ("garbage", PLATE, "unknown"),
        (note.pass_code, "  ", "plate_required"),
    ]
    gate = _gate(guard)
    for raw, plate, reason in cases:
        result = exit_pass_use(raw=raw, user=guard, vehicle_plate=plate)
        assert (result.passed, result.reason) == (False, reason), raw
        answer = gate.post(EXIT, {"code": raw, "vehicle_plate": plate}, format="json")
        assert answer.status_code == 200
        assert (answer.json()["passed"], answer.json()["reason"]) == (False, reason), raw
    assert not GateExit.objects.filter(note=note).exists()


@pytest.mark.parametrize("reason", list(STOP_REASONS))
def test_every_reason_is_said_in_english_and_in_chinese(reason):
    with translation.override("en"):
        english = str(STOP_REASONS[reason])
    with translation.override("zh-hans"):
        chinese = str(STOP_REASONS[reason])
    assert english and chinese and english != chinese
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@every_state
def test_the_gate_page_says_each_states_reason_in_plain_words(
    request, client_for, chain, guard, state, language
):
    """On a later day: each state's reason, in the guard's language."""
    note = _note_in(chain, guard, state)
    request.getfixturevalue("later_day")
    page = client_for(guard)
    page.cookies["django_language"] = language

    answer = page.post("/orders/gate/check/", {"code": note.pass_code}, HTTP_HX_REQUEST="true")

    assert answer.status_code == 200
    with translation.override(language):
        said = str(STOP_REASONS[EXPECTED[state][True]])
    assert said in answer.content.decode()
