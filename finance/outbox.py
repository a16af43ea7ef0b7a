"""Outbound work that must not be lost (reminders, statements): a row is
written first, then a sender claims pending rows one at a time and carries
them out, each in its own transaction.

Rows are claimed with SKIP LOCKED, so several workers (or a retried task and
the next beat run) never take the same row. A row whose sending fails stays
pending with its attempt counted and the error kept, until it has been tried
``settings.REMINDER_MAX_ATTEMPTS`` times; a failure of the database itself is
raised so the task is retried. The one duplicate window left is a crash after
the mail server accepted a message and before the row was marked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import models, transaction

logger = logging.getLogger(__name__)

PENDING = "pending"  # ReminderStatus.PENDING and StatementStatus.PENDING


def _claim_next(model: type[models.Model], after_id: int, related: tuple[str, ...]):
    """The next pending row no other sender holds, locked for this transaction."""
    return (
        model.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status=PENDING, id__gt=after_id, attempts__lt=settings.REMINDER_MAX_ATTEMPTS)
        .select_related(*related)
        .order_by("id")
        .first()
    )


def _record_failure(model: type[models.Model], pk: int, error: Exception) -> None:
    with transaction.atomic():
        row = model.objects.select_for_update().get(pk=pk)
        if row.status != PENDING:
            return
        row.attempts += 1
        row.last_error = f"{type(error).__name__}: {error}"[:300]
        row.save(update_fields=["attempts", "last_error"])


def send_pending(
    model: type[models.Model],
    send_one: Callable[[models.Model], str],
    result,
    *,
    limit: int | None = None,
    related: tuple[str, ...] = (),
):
    """Carry out every pending row of ``model`` with ``send_one(row)``, which
    returns the name of the ``result`` counter to bump (``sent``, ``no_email``…).
    ``limit`` bounds the rows sent, without an address, or failed."""
    after_id = 0
    while limit is None or result.sent + result.no_email + result.failed < limit:
        claimed = None
        try:
            with transaction.atomic():
                row = _claim_next(model, after_id, related)
                if row is None:
                    break
                after_id = claimed = row.pk
                outcome = send_one(row)
        except Exception as exc:  # SMTP refused, PDF failed…: keep it pending, count the try
            logger.exception("%s %s could not be sent", model.__name__, after_id)
            if claimed is None:  # the database itself failed: let the task retry
                raise
            _record_failure(model, claimed, exc)
            result.failed += 1
            continue
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result
