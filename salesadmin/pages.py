"""What every list page does with its query string and its htmx refresh, written once."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import TextChoices
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django_fsm import ConcurrentTransition

from salesadmin.errors import ApplicationError


def page_of(request, rows, per_page: int = 50) -> Page:
    """The page of ``rows`` the query string asks for (``?page=``); a page
    number out of range or not a number gives the last or the first page."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def chosen(request, name: str, choices: type[TextChoices], default: str = "") -> str:
    """A filter's value from the query string when it is one of ``choices``;
    otherwise ``default``, so a hand-edited URL lists rather than fails."""
    value = request.GET.get(name, default)
    return value if value in choices.values else default


def date_param(raw: str | None, default: dt.date | None = None) -> dt.date | None:
    """A date a page was given (a filter in the query, a date field posted):
    YYYY-MM-DD; anything else (2026-02-30, words, nothing) is ``default``."""
    try:
        return parse_date((raw or "").strip()) or default
    except ValueError:
        return default


def found_or_404(model, select, *args, **kwargs):
    """The ``model`` record the selector finds; none found is the 404 page."""
    try:
        return select(*args, **kwargs)
    except model.DoesNotExist as exc:
        raise Http404 from exc


def page_or_partial(request, page: str, partial: str, context: dict):
    """The whole ``page`` template; an htmx request (a filter changed, the next
    page, a poll) gets only the ``partial`` it swaps in."""
    return render(request, partial if request.htmx else page, context)


def done_or_refused(request, act, *, done: str, back: str):
    """A posted step that returns to its page: ``act()`` calls the service; the
    ``done`` message, or the refusal as an error message; either way to ``back``."""
    try:
        act()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(back)


def refused_status(exc: Exception) -> int:
    """The status a page answers a refusal with: 409 for a stale copy, else the error's."""
    if isinstance(exc, ConcurrentTransition):
        return 409
    return getattr(exc, "status_code", 400)


def written_or_refused(request, write, *, message, detail: str):
    """A document form's POST: ``write()`` calls the service; done, the
    ``message(document)`` and a redirect to its ``detail`` page, with no error;
    refused, no response, the reason and the status to show the form again with."""
    try:
        document = write()
    except (ApplicationError, ConcurrentTransition) as exc:
        return None, str(exc), refused_status(exc)
    messages.success(request, message(document))
    return redirect(detail, pk=document.pk), "", 200
