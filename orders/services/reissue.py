"""Reissue (重开): an expired or cancelled note cannot be altered or revived
(涂改作废, 当天内有效), so the clerk issues a new one with the same lines in one
click. It is an ordinary issue: its own new number, stock reserved again and
never beyond what is available, never beyond the order's open quantity."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from orders.enums import NoteStatus
from orders.models import DeliveryNote
from orders.services.delivery_notes import IssueLine, delivery_note_issue
from salesadmin.errors import ConflictError

REISSUABLE = (NoteStatus.EXPIRED, NoteStatus.CANCELLED)


def can_reissue(note: DeliveryNote) -> bool:
    """A sale's note; goods out without a sale get a new slip from their request."""
    return note.status in REISSUABLE and note.order_id is not None


@transaction.atomic
def delivery_note_reissue(*, note: DeliveryNote, user) -> DeliveryNote:
    if not user.has_perm("orders.issue_deliverynote"):
        raise PermissionDenied
    note = DeliveryNote.objects.select_related("order", "warehouse").get(pk=note.pk)
    if not can_reissue(note):
        raise ConflictError(
            _("Only an expired or cancelled note can be reissued; this one is %(status)s.")
            % {"status": note.get_status_display()},
            code="note_not_reissuable",
        )
    lines = [
        IssueLine(order_line=line.order_line, quantity=line.quantity)
        for line in note.lines.select_related("order_line").order_by("id")
    ]
    return delivery_note_issue(
        order=note.order,
        user=user,
        warehouse=note.warehouse,
        lines=lines,
        vehicle_plate=note.vehicle_plate,
        driver=note.driver,
    )
