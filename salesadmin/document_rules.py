"""How a list's search box matches its rows, written once."""

from __future__ import annotations

from django.db.models import Q, QuerySet


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
