"""What the returns pages share."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django_fsm import ConcurrentTransition

from orders.models import DeliveryNote
from salesadmin.errors import ApplicationError
from salesadmin.pages import refused_status

VIEW_RETURN = "returns.view_returnapplication"
VIEW_ALLOWANCE = "returns.view_allowance"


def note_for_return(raw: str) -> DeliveryNote | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    query = Q(number__iexact=raw)
    if raw.isdigit() and len(raw) < 18:
        query |= Q(pk=int(raw))
    return DeliveryNote.objects.select_related("customer").filter(query).first()


def page_action(request, pk: int, action: str, *, actions, model, run, page, done, detail: str):
    """A posted action on a document's page: ``run(request, document, action)``
    calls the service; refused, the document's ``page`` again with the reason;
    done, the ``done(document, action)`` message and the ``detail`` page."""
    if action not in actions:
        raise Http404
    document = get_object_or_404(model, pk=pk)
    try:
        document = run(request, document, action)
    except (ApplicationError, ConcurrentTransition) as exc:
        # PermissionDenied is not caught: the wrong role gets a 403.
        return page(request, pk, error=str(exc), status=refused_status(exc))
    messages.success(request, done(document, action))
    return redirect(detail, pk=pk)
