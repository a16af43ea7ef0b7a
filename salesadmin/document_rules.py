"""Rules every document keeps alike, written once.

``run_signed``: a transition that records who did it and when.
``search_in``: how a list's search box matches its rows.
``log_step``: the append-only transition log row of a step that is not an
FSM transition run through ``salesadmin.transitions.run_transition`` (a
document's issue or opening, an opinion, an edit, a request recorded on it).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from salesadmin.models import TransitionLog
from salesadmin.transitions import run_transition


def log_step(
    document_type: str,
    document: models.Model,
    name: str,
    *,
    user,
    from_state: str,
    to_state: str,
    comment: str = "",
) -> None:
    TransitionLog.objects.create(
        document_type=document_type,
        document_id=document.pk,
        document_number=getattr(document, "number", "") or "",
        transition=name,
        from_state=from_state,
        to_state=to_state,
        user=user,
        comment=comment,
    )


def any_contains(text: str, *fields: str) -> Q:
    """A list's search box: the text within any of the fields (case-insensitive)."""
    match = Q()
    for name in fields:
        match |= Q(**{f"{name}__icontains": text})
    return match


def search_in(qs: QuerySet, search: str, *fields: str) -> QuerySet:
    """The rows whose fields hold the search box's text; all when it is empty."""
    search = (search or "").strip()
    if not search:
        return qs
    return qs.filter(any_contains(search, *fields))


def run_signed(
    obj: models.Model, name: str, *, user, document_type: str, comment: str = "", **values
):
    """A transition the acting user signs (an approval, a rejection, a release,
    a dispatch): it sets who (``by``) and when (``at``: now)."""
    return run_transition(
        obj,
        name,
        user=user,
        document_type=document_type,
        comment=comment,
        by=user,
        at=timezone.now(),
        **values,
    )
