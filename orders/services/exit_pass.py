"""The exit pass (出门证): a signed, single-use token shown as a QR code, with a
short code to type. The gate sees PASS or STOP with the reason, the vehicle and
the goods, never the customer, prices or amounts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.enums import NoteStatus
from orders.models import (
    DeliveryNote,
    DeliveryNoteLine,
    DispatchAllocation,
    GateCheck,
    GateExit,
)
from orders.services.delivery_notes import DOC, NOTE_LINES, PASS_ALPHABET
from salesadmin.db import RowRead, remember_related
from salesadmin.transitions import run_transition

SALT = "salesadmin.exit-pass"

STOP_REASONS = {
    "forged": gettext_lazy("Forged or damaged pass: the signature does not match."),
    "unknown": gettext_lazy("No delivery note has this pass code."),
    "used": gettext_lazy("This pass was already used: the truck has left."),
    "other_day": gettext_lazy("The pass is not valid today: it was issued on another day."),
    "not_stamped": gettext_lazy("Finance has not stamped this note: the goods are not paid."),
    "not_loaded": gettext_lazy("The warehouse has not dispatched this note yet."),
    "awaiting_topup": gettext_lazy(
        "More was loaded than finance covered: waiting for the top-up payment."
    ),
    "cancelled": gettext_lazy("This note was cancelled."),
    "expired": gettext_lazy("This note has expired."),
    "plate_required": gettext_lazy("Enter the vehicle plate."),
}


def exit_pass_token(note: DeliveryNote) -> str:
    """What the QR code on the exit-pass copy carries."""
    return signing.dumps({"n": note.pk, "c": note.pass_code}, salt=SALT, compress=True)


@dataclass
class GateResult:
    passed: bool
    reason: str = ""
    note: DeliveryNote | None = None
    lines: list = field(default_factory=list)

    @property
    def message(self) -> str:
        return str(STOP_REASONS.get(self.reason, "")) if not self.passed else _("PASS")


def _normalize_code(raw: str) -> str:
    code = raw.strip().upper().replace("-", "").replace(" ", "")
    return code.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def _goods_lines():
    return DeliveryNoteLine.objects.select_related("product").order_by("id")


def _goods_batches():
    return DispatchAllocation.objects.select_related("batch").order_by("id")


def goods_prefetch() -> Prefetch:
    """A note's goods as the gate sees them (product, specification, quantity,
    batches): two queries, for the gate pages; the gate service reads one
    note's the same way (_with_goods)."""
    return Prefetch(
        "lines",
        queryset=_goods_lines().prefetch_related(
            Prefetch("allocations", queryset=_goods_batches())
        ),
    )


# The batches loaded for a note's lines, in the order they were recorded.
_ALLOCATIONS = RowRead(DispatchAllocation, related=("batch",), by=("note_line__any",))
# A pass's note with its warehouse, by token (pk and code) or by typed code; the
# gate reads one per scan, so the statements are written out once (RowRead).
_BY_TOKEN = {
    lock: RowRead(DeliveryNote, related=("warehouse",), by=("pk", "pass_code"), lock=lock)
    for lock in (False, True)
}
_BY_CODE = {
    lock: RowRead(DeliveryNote, related=("warehouse",), by=("pass_code",), lock=lock)
    for lock in (False, True)
}


def _with_goods(note: DeliveryNote | None) -> DeliveryNote | None:
    """The note with its goods (as goods_prefetch gives them), read once for the
    judgement and the answer: two queries."""
    if note is None:
        return None
    lines = NOTE_LINES.all(note.pk)
    batches = defaultdict(list)
    for allocation in _ALLOCATIONS.all([line.pk for line in lines]):
        batches[allocation.note_line_id].append(allocation)
    for line in lines:
        remember_related(line, "allocations", batches[line.pk])
    remember_related(note, "lines", lines)
    return note


def _find_note(raw: str, *, lock: bool = False) -> tuple[DeliveryNote | None, str]:
    """The note a scanned token or typed code names; ``lock``: under its row lock
    (letting a truck out), so two scans of one pass are decided one after the other."""
    raw = (raw or "").strip()
    if ":" in raw:  # a scanned QR token
        try:
            data = signing.loads(raw, salt=SALT)
        except signing.BadSignature:
            return None, "forged"
        pk, code = (data.get("n"), data.get("c")) if isinstance(data, dict) else (None, None)
        valid = isinstance(pk, int) and 0 < pk < 2**63 and isinstance(code, str)
        found = _BY_TOKEN[lock].first(pk, code) if valid else None
        # A genuine signature for a code that is no longer the note's: refuse as forged.
        return (_with_goods(found), "") if found else (None, "forged")
    code = _normalize_code(raw)
    if len(code) != 8 or any(ch not in PASS_ALPHABET for ch in code):
        return None, "unknown"
    found = _BY_CODE[lock].first(code)
    return (_with_goods(found), "") if found else (None, "unknown")


# Why a note in each state may not leave; a dispatched note may, on its issue day.
STATE_REASONS = {
    NoteStatus.ISSUED: "not_stamped",
    NoteStatus.STAMPED: "not_loaded",
    NoteStatus.AWAITING_TOPUP: "awaiting_topup",
    NoteStatus.EXITED: "used",
    NoteStatus.CANCELLED: "cancelled",
    NoteStatus.EXPIRED: "expired",
}


def _judge(note: DeliveryNote) -> str:
    """The state first, then the date: an expired or cancelled note (they are
    of another day too) is refused for what it is, not as "other day"."""
    if note.status != NoteStatus.DISPATCHED:
        return STATE_REASONS[note.status]
    return "" if note.is_today() else "other_day"


def _record(user, raw: str, result: GateResult) -> GateResult:
    GateCheck.objects.create(
        guard=user,
        note=result.note,
        passed=result.passed,
        reason=result.reason or "pass",
        raw=(raw or "")[:300],
    )
    return result


@transaction.atomic
def exit_pass_check(*, raw: str, user) -> GateResult:
    """Scan: PASS or STOP with the reason. Records the scan; lets nobody out yet."""
    if not user.has_perm("orders.exit_deliverynote"):
        raise PermissionDenied
    note, reason = _find_note(raw)
    if note is not None and not reason:
        reason = _judge(note)
    return _record(user, raw, GateResult(passed=not reason, reason=reason, note=note))


@transaction.atomic
def exit_pass_use(*, raw: str, user, vehicle_plate: str) -> GateResult:
    """The guard lets the truck out: the exit time and plate are recorded, once."""
    if not user.has_perm("orders.exit_deliverynote"):
        raise PermissionDenied
    note, reason = _find_note(raw, lock=True)
    plate = (vehicle_plate or "").strip().upper()
    if note is not None and not reason:
        reason = _judge(note) or ("" if plate else "plate_required")
    if reason:
        return _record(user, raw, GateResult(passed=False, reason=reason, note=note))
    try:
        with transaction.atomic():
            # One exit per note, enforced by the database, not by the signature alone.
            GateExit.objects.create(note=note, vehicle_plate=plate, guard=user)
    except IntegrityError:
        return _record(user, raw, GateResult(passed=False, reason="used", note=note))
    if not note.vehicle_plate:
        note.vehicle_plate = plate
    run_transition(note, "exit", user=user, document_type=DOC, comment=plate)
    return _record(user, raw, GateResult(passed=True, note=note))
