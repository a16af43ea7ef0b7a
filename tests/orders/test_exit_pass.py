"""The exit pass at the gate (门卫放行): a signed, single-use token, valid only for
a dispatched note on its day. Forged, reused, expired and unstamped passes are refused."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from orders.enums import NoteStatus
from orders.models import GateCheck, GateExit
from orders.services.delivery_notes import delivery_note_cancel
from orders.services.dispatch import delivery_note_dispatch
from orders.services.exit_pass import (
    SALT,
    exit_pass_check,
    exit_pass_token,
    exit_pass_use,
)
from salesadmin.clock import company_today
from salesadmin.models import TransitionLog
from salesadmin.roles import Role
from tests import racing
from tests.chain import Chain
from tests.factories import UserFactory

PLATE = "浙E12345"


@pytest.fixture
def tomorrow(monkeypatch):
    """Move the company clock one day on, for everything that judges "today"."""

    def move():
        day = company_today() + dt.timedelta(days=1)
        monkeypatch.setattr("orders.models.delivery_notes.company_today", lambda: day)
        return day

    return move


def _exits(note) -> int:
    return GateExit.objects.filter(note=note).count()


# --- The allowed path ------------------------------------------------------------


@pytest.mark.django_db
def test_dispatched_note_of_today_passes_and_is_let_out_once(chain, guard):
    note = chain.dispatched()
    token = exit_pass_token(note)

    check = exit_pass_check(raw=token, user=guard)
    assert (check.passed, check.reason, check.note.pk) == (True, "", note.pk)
    note.refresh_from_db()
    assert note.status == NoteStatus.DISPATCHED  # a check lets nobody out

    used = exit_pass_use(raw=token, user=guard, vehicle_plate=" 浙e12345 ")

    assert used.passed
    note.refresh_from_db()
    assert note.status == NoteStatus.EXITED
    gate_exit = GateExit.objects.get(note=note)
    assert (gate_exit.vehicle_plate, gate_exit.guard) == ("浙E12345", guard)
    log = TransitionLog.objects.get(
        document_type="delivery_note", document_id=note.pk, transition="exit"
    )
    assert (log.from_state, log.to_state, log.user, log.comment) == (
        NoteStatus.DISPATCHED,
        NoteStatus.EXITED,
        guard,
        "浙E12345",
    )
    # Both scans are on record, for the month-end three-way reconciliation.
    assert list(GateCheck.objects.filter(note=note).values_list("passed", "reason")) == [
        (True, "pass"),
        (True, "pass"),
    ]


@pytest.mark.django_db
def test_short_code_typed_lower_case_with_a_dash_works(chain, guard):
    note = chain.dispatched()
    code = note.pass_code
    typed = f" {code[:4].lower()}-{code[4:].lower()} "

    result = exit_pass_check(raw=typed, user=guard)

    assert result.passed and result.note.pk == note.pk
    assert exit_pass_use(raw=f"{code[:4]} {code[4:]}", user=guard, vehicle_plate=PLATE).passed


# --- Refused passes -----------------------------------------------------------------


@pytest.mark.django_db
def test_reused_pass_is_stopped_and_leaves_one_exit(chain, guard):
    note = chain.dispatched()
    token = exit_pass_token(note)
    assert exit_pass_use(raw=token, user=guard, vehicle_plate=PLATE).passed

    again = exit_pass_use(raw=token, user=guard, vehicle_plate="浙E99999")
    by_code = exit_pass_check(raw=note.pass_code, user=guard)

    assert (again.passed, again.reason) == (False, "used")
    assert (by_code.passed, by_code.reason) == (False, "used")
    assert "already used" in again.message
    assert _exits(note) == 1
    assert GateExit.objects.get(note=note).vehicle_plate == PLATE


@pytest.mark.django_db
def test_tampered_signature_is_forged(chain, guard):
    note = chain.dispatched()
    token = exit_pass_token(note)
    value, signature = token.rsplit(":", 1)
    forged = f"{value}:{signature[:5]}{'A' if signature[5] != 'A' else 'B'}{signature[6:]}"

    for result in (
        exit_pass_check(raw=forged, user=guard),
        exit_pass_use(raw=forged, user=guard, vehicle_plate=PLATE),
    ):
        assert (result.passed, result.reason, result.note) == (False, "forged", None)
    note.refresh_from_db()
    assert note.status == NoteStatus.DISPATCHED and _exits(note) == 0


@pytest.mark.django_db
def test_genuine_signature_moved_onto_another_note_is_forged(chain, guard):
    # Someone edits the QR's readable part to point a valid signature at another truck's note.
    note, other = chain.dispatched(), chain.dispatched()
    _payload, timestamp, signature = exit_pass_token(note).split(":")
    payload = signing.b64_encode(
        json.dumps({"n": other.pk, "c": other.pass_code}, separators=(",", ":")).encode()
    ).decode()
    forged = f"{payload}:{timestamp}:{signature}"

    result = exit_pass_use(raw=forged, user=guard, vehicle_plate=PLATE)

    assert (result.passed, result.reason) == (False, "forged")
    assert not GateExit.objects.exists()
    # The genuine passes still work.
    assert exit_pass_use(raw=exit_pass_token(other), user=guard, vehicle_plate=PLATE).passed


@pytest.mark.django_db
def test_genuine_signature_over_a_wrong_code_is_stopped(chain, guard):
    note = chain.dispatched()
    # Signed with our key, but the code is not this note's (e.g. a reissued note's old pass).
    wrong = signing.dumps({"n": note.pk, "c": "ZZZZZZZZ"}, salt=SALT, compress=True)
    other_salt = signing.dumps({"n": note.pk, "c": note.pass_code}, salt="other", compress=True)

    for raw in (wrong, other_salt):
        result = exit_pass_use(raw=raw, user=guard, vehicle_plate=PLATE)
        assert (result.passed, result.reason) == (False, "forged")
    assert _exits(note) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["ZZZZ-ZZZZ", "1234567", "!!!!!!!!", ""])
def test_unknown_short_code_is_stopped(chain, guard, raw):
    note = chain.dispatched()
    assert note.pass_code != "ZZZZZZZZ"

    result = exit_pass_check(raw=raw, user=guard)

    assert (result.passed, result.reason, result.note) == (False, "unknown", None)
    assert "No delivery note" in result.message
    assert GateCheck.objects.filter(passed=False, reason="unknown").count() == 1


@pytest.mark.django_db
def test_issued_note_is_not_stamped(chain, guard):
    note = chain.note()

    result = exit_pass_use(raw=exit_pass_token(note), user=guard, vehicle_plate=PLATE)

    assert (result.passed, result.reason, result.note.pk) == (False, "not_stamped", note.pk)
    note.refresh_from_db()
    assert note.status == NoteStatus.ISSUED and _exits(note) == 0


@pytest.mark.django_db
def test_stamped_note_not_yet_loaded_is_stopped(chain, guard):
    note = chain.stamped()

    result = exit_pass_use(raw=note.pass_code, user=guard, vehicle_plate=PLATE)

    assert (result.passed, result.reason) == (False, "not_loaded")
    note.refresh_from_db()
    assert note.status == NoteStatus.STAMPED and _exits(note) == 0


@pytest.mark.django_db
def test_loaded_beyond_coverage_waits_for_topup(chain, guard):
    # Only the weighed product, loaded 2% over: worth more than finance covered.
    stamped = chain.stamped(chain.note(quantities=["0", "100", "0"]))
    loaded = delivery_note_dispatch(
        note=stamped,
        user=chain.keeper,
        lines=chain.dispatch_lines(stamped, factor=Decimal("1.02")),
    )
    assert loaded.status == NoteStatus.AWAITING_TOPUP

    result = exit_pass_use(raw=exit_pass_token(loaded), user=guard, vehicle_plate=PLATE)

    assert (result.passed, result.reason) == (False, "awaiting_topup")
    assert _exits(loaded) == 0


@pytest.mark.django_db
def test_cancelled_note_is_stopped(chain, guard):
    note = delivery_note_cancel(note=chain.stamped(), user=chain.clerk, reason="wrong truck")

    result = exit_pass_check(raw=note.pass_code, user=guard)

    assert (result.passed, result.reason) == (False, "cancelled")


@pytest.mark.django_db
def test_pass_of_another_day_is_stopped(chain, guard, tomorrow):
    note = chain.dispatched()
    token = exit_pass_token(note)
    tomorrow()

    check = exit_pass_check(raw=token, user=guard)
    used = exit_pass_use(raw=token, user=guard, vehicle_plate=PLATE)

    assert (check.passed, check.reason) == (False, "other_day")
    assert (used.passed, used.reason) == (False, "other_day")
    note.refresh_from_db()
    assert note.status == NoteStatus.DISPATCHED and _exits(note) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("plate", ["", "   "])
def test_empty_vehicle_plate_is_refused(chain, guard, plate):
    note = chain.dispatched()

    result = exit_pass_use(raw=note.pass_code, user=guard, vehicle_plate=plate)

    assert (result.passed, result.reason) == (False, "plate_required")
    note.refresh_from_db()
    assert note.status == NoteStatus.DISPATCHED and _exits(note) == 0
    # The pass is still good once the plate is given.
    assert exit_pass_use(raw=note.pass_code, user=guard, vehicle_plate=PLATE).passed


@pytest.mark.django_db
def test_only_the_gate_may_check_or_let_out(chain, guard, manager):
    note = chain.dispatched()
    for user in (chain.clerk, chain.finance, chain.keeper):
        with pytest.raises(PermissionDenied):
            exit_pass_check(raw=note.pass_code, user=user)
        with pytest.raises(PermissionDenied):
            exit_pass_use(raw=note.pass_code, user=user, vehicle_plate=PLATE)
    note.refresh_from_db()
    assert note.status == NoteStatus.DISPATCHED and _exits(note) == 0
    assert not GateCheck.objects.exists()
    # A manager holds the gate right too.
    assert exit_pass_check(raw=note.pass_code, user=manager).passed


@pytest.mark.django_db
def test_database_allows_one_gate_exit_per_note(chain, guard):
    note = chain.dispatched()
    GateExit.objects.create(note=note, vehicle_plate=PLATE, guard=guard)

    with pytest.raises(IntegrityError), transaction.atomic():
        GateExit.objects.create(note=note, vehicle_plate="浙E99999", guard=guard)

    assert _exits(note) == 1


@pytest.mark.django_db
def test_qr_token_carries_no_customer_price_or_amount(chain):
    # A signed token is readable by anyone who decodes the QR: it must not
    # carry the commercial secrets the exit-pass copy hides.
    note = chain.dispatched()
    data = signing.loads(exit_pass_token(note), salt=SALT)
    assert data == {"n": note.pk, "c": note.pass_code}


# --- Under parallel load ----------------------------------------------------------

GUARDS = 16


@pytest.mark.django_db(transaction=True)
def test_sixteen_guards_on_one_pass_let_one_truck_out(clerk, finance, keeper, manager):
    note = Chain(clerk=clerk, finance=finance, keeper=keeper, manager=manager).dispatched()
    token = exit_pass_token(note)
    guards = [UserFactory(username=f"gate{i}", roles=[Role.GATE_GUARD]) for i in range(GUARDS)]

    raced = racing.run_together(
        lambda i: exit_pass_use(raw=token, user=guards[i], vehicle_plate=f"浙E{i:05d}"),
        GUARDS,
        join_timeout=60,
    )

    assert racing.tally(raced) == {"ok": GUARDS}, raced  # no guard saw an exception
    outcomes = [result for _, result in raced]
    assert sum(o.passed for o in outcomes) == 1
    assert sorted({o.reason for o in outcomes if not o.passed}) == ["used"]
    gate_exit = GateExit.objects.get(note=note)
    winner = next(i for i, o in enumerate(outcomes) if o.passed)
    assert (gate_exit.guard, gate_exit.vehicle_plate) == (guards[winner], f"浙E{winner:05d}")
    note.refresh_from_db()
    assert note.status == NoteStatus.EXITED
    assert TransitionLog.objects.filter(document_id=note.pk, transition="exit").count() == 1
