"""Bulk actions: the same action on many documents, each in its own transaction.

Each item succeeds or fails on its own: a refused item (not covered, already
decided, stale copy, a row lock that would wait) is reported with its reason and
code and leaves its document unchanged; the others go through. The role is
checked once, up front: a person who may not approve or stamp at all is refused
the whole request (403), as for one document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from orders.enums import NoteStatus
from orders.models import DeliveryNote, SalesOrder
from orders.services.delivery_notes import delivery_note_stamp
from orders.services.sales_orders import sales_order_approve
from salesadmin.errors import ApplicationError

MAX_ITEMS = 100


@dataclass(frozen=True)
class BulkItem:
    id: int
    number: str
    ok: bool
    code: str = ""
    message: str = ""


def _run_each(
    model: type[models.Model], ids: list[int], action: Callable[[models.Model], object]
) -> list[BulkItem]:
    wanted = list(dict.fromkeys(ids))  # once each, in the order given
    if len(wanted) > MAX_ITEMS:
        raise ApplicationError(
            _("Choose at most %(n)s documents at a time.") % {"n": MAX_ITEMS}, code="too_many"
        )
    if not wanted:
        raise ApplicationError(_("Choose at least one document."), code="nothing_chosen")
    found = model.objects.in_bulk(wanted)
    results = []
    for pk in wanted:
        document = found.get(pk)
        if document is None:
            results.append(BulkItem(pk, "", False, "not_found", _("No such document.")))
            continue
        number = document.number or ""
        try:
            action(document)  # its own transaction (the service's)
        except ApplicationError as exc:
            results.append(BulkItem(pk, number, False, exc.code, str(exc.message)))
        except (TransitionNotAllowed, ConcurrentTransition) as exc:
            results.append(BulkItem(pk, number, False, "conflict", str(exc)))
        except PermissionDenied:
            results.append(
                BulkItem(pk, number, False, "permission_denied", _("You may not do this."))
            )
        else:
            results.append(BulkItem(pk, number, True))
    return results


def sales_orders_approve_many(*, ids: list[int], user, comment: str = "") -> list[BulkItem]:
    """Approve each order; one whose price is below the minimum needs ``comment``."""
    if not user.has_perm("orders.approve_salesorder"):
        raise PermissionDenied
    return _run_each(
        SalesOrder, ids, lambda order: sales_order_approve(order=order, user=user, comment=comment)
    )


def delivery_notes_stamp_many(*, ids: list[int], user) -> list[BulkItem]:
    """Stamp each covered note; an uncovered one is refused with its reason."""
    if not user.has_perm("orders.stamp_deliverynote"):
        raise PermissionDenied
    return _run_each(DeliveryNote, ids, lambda note: delivery_note_stamp(note=note, user=user))


VOID = (NoteStatus.CANCELLED, NoteStatus.EXPIRED)


def delivery_notes_for_print(*, ids: list[int], notes: dict[int, DeliveryNote]) -> list[BulkItem]:
    """Which chosen notes print together (``notes``: the ones found, by id). A void
    note is refused on its own: it prints alone, marked void, from its page."""
    wanted = list(dict.fromkeys(ids))
    if len(wanted) > MAX_ITEMS:
        raise ApplicationError(
            _("Choose at most %(n)s documents at a time.") % {"n": MAX_ITEMS}, code="too_many"
        )
    if not wanted:
        raise ApplicationError(_("Choose at least one document."), code="nothing_chosen")
    results = []
    for pk in wanted:
        note = notes.get(pk)
        if note is None:
            results.append(BulkItem(pk, "", False, "not_found", _("No such document.")))
        elif note.status in VOID:
            message = _("A cancelled or expired note is printed on its own, marked void.")
            results.append(BulkItem(pk, note.number or "", False, "void", message))
        else:
            results.append(BulkItem(pk, note.number or "", True))
    return results
