"""What the returns pages share."""

from __future__ import annotations

from django.db.models import Q
from django_fsm import ConcurrentTransition

from orders.models import DeliveryNote

VIEW_RETURN = "returns.view_returnapplication"
VIEW_ALLOWANCE = "returns.view_allowance"


def refused_status(exc: Exception) -> int:
    if isinstance(exc, ConcurrentTransition):
        return 409
    return getattr(exc, "status_code", 400)


def note_for_return(raw: str) -> DeliveryNote | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    query = Q(number__iexact=raw)
    if raw.isdigit() and len(raw) < 18:
        query |= Q(pk=int(raw))
    return DeliveryNote.objects.select_related("customer").filter(query).first()
