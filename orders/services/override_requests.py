"""Finance sends a note it cannot stamp to the managers ("ask for override").

The request is a row in the transition log (issued → issued, ``ask_override``),
so it is kept with the note's history and cannot be changed afterwards; the
managers' home lists today's notes that carry one and are still unstamped.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from orders.enums import NoteStatus
from orders.models import DeliveryNote
from orders.selectors.delivery_notes import ASK_OVERRIDE, note_coverage
from salesadmin.db import locked
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.models import TransitionLog
from salesadmin.transitions import log_step

DOC = "delivery_note"


@transaction.atomic
def delivery_note_ask_override(*, note: DeliveryNote, user, reason: str = "") -> DeliveryNote:
    """Finance asks the managers to stamp ``note`` on their override: only an issued
    note of today that is not covered, once."""
    if not user.has_perm("orders.stamp_deliverynote"):
        raise PermissionDenied
    note = locked(DeliveryNote.objects).select_related("customer").get(pk=note.pk)
    if note.status != NoteStatus.ISSUED or note.is_stale():
        raise ConflictError(
            _("Only a note waiting for today's stamp can be sent to the managers."),
            code="invalid_state",
        )
    answer = note_coverage(note=note)
    if answer is not None and answer.coverage is not None:
        raise ApplicationError(_("This note is covered: stamp it."), code="already_covered")
    asked = TransitionLog.objects.filter(
        document_type=DOC, document_id=note.pk, transition=ASK_OVERRIDE
    )
    if asked.exists():
        raise ConflictError(
            _("The managers have already been asked about this note."), code="already_asked"
        )
    log_step(
        DOC,
        note,
        ASK_OVERRIDE,
        user=user,
        from_state=note.status,
        to_state=note.status,
        comment=(reason or "").strip()[:300],
    )
    return note
