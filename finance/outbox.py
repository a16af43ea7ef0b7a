"""Outbound letters that must go out once (reminders, statements): a row is
written first, then a sender claims it, e-mails it and marks it.

Each row goes through three short steps, never holding a transaction open
while talking to the mail server:

1. **Claim** (one transaction, committed): the next row that is ``pending``
   and due (``next_attempt_at`` passed), taken with FOR UPDATE SKIP LOCKED so
   two senders never take the same row, is set to ``sending`` with
   ``claimed_at`` and its attempt counted.
2. **Send** (no transaction): render the letter and e-mail it with the row's
   stable Message-ID, ``<{row.message_key}@{domain}>``.
3. **Mark** (one transaction): the row becomes ``sent`` (or ``no_email``…)
   together with what goes with it (the salesperson's notice).

The rule for a crash between 2 and 3 (a killed worker, a database that went
away): the row stays ``sending``. A row ``sending`` for longer than
``OUTBOX_SENDING_TIMEOUT`` (15 min; far above EMAIL_TIMEOUT, so its sender is
gone) is claimed again and sent again **with the same Message-ID**, so a mail
system that deduplicates by Message-ID shows the customer one letter, and the
row is marked once. A crash before 2 resends nothing new; after 3 nothing.

A send that fails (SMTP refused, PDF failed) puts the row back to ``pending``
with the error kept and ``next_attempt_at`` pushed back exponentially
(``OUTBOX_RETRY_BASE`` × 2^(attempt-1), at most ``OUTBOX_RETRY_CAP``); after
``REMINDER_MAX_ATTEMPTS`` tries it is ``failed``, shown to finance with its
reason on the reminders and statements pages. Never a tight loop: a run
tries each row at most once, and a failed row waits. A failure of the
database itself is raised so the task is retried.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

# The same values in ReminderStatus and StatementStatus.
PENDING = "pending"
SENDING = "sending"
FAILED = "failed"


def message_id(row) -> str:
    """The letter's Message-ID: stable for the row, whoever sends it and how often."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "salesadmin.invalid"
    return f"<{row.message_key}@{domain}>"


def retry_delay(attempts: int) -> dt.timedelta:
    """How long a row waits after its ``attempts``-th failed try."""
    base = settings.OUTBOX_RETRY_BASE
    return min(base * 2 ** max(attempts - 1, 0), settings.OUTBOX_RETRY_CAP)


def claimable(now: dt.datetime) -> Q:
    """Due pending rows, and rows whose sender vanished mid-send."""
    stale = now - settings.OUTBOX_SENDING_TIMEOUT
    return Q(status=PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)) | Q(
        status=SENDING, claimed_at__lt=stale
    )


def _claim_next(model: type[models.Model], after_id: int, now: dt.datetime):
    """Claim the next row and commit the claim; None when nothing is due.
    ``now`` is the claim's time: each claim takes its own, so a long run never
    claims a row already looking stale."""
    with transaction.atomic():
        row = (
            model.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(claimable(now), id__gt=after_id)
            .order_by("id")
            .first()
        )
        if row is None:
            return None
        if row.status == SENDING:
            logger.warning(
                "%s %s was left sending since %s (a crashed sender): sending it again "
                "with the same Message-ID %s",
                model.__name__,
                row.pk,
                row.claimed_at,
                message_id(row),
            )
        row.status = SENDING
        row.claimed_at = now
        row.attempts += 1
        row.save(update_fields=["status", "claimed_at", "attempts"])
        return row


def _record_failure(model: type[models.Model], row, error: Exception, now: dt.datetime) -> str:
    """Back to pending after a delay, or failed for good; returns the new status."""
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=row.pk)
        if current.status != SENDING or current.claimed_at != row.claimed_at:
            return current.status  # another sender took it over meanwhile
        current.last_error = f"{type(error).__name__}: {error}"[:300]
        if current.attempts >= settings.REMINDER_MAX_ATTEMPTS:
            current.status = FAILED
            current.next_attempt_at = None
        else:
            current.status = PENDING
            current.next_attempt_at = now + retry_delay(current.attempts)
        current.save(update_fields=["status", "last_error", "next_attempt_at"])
        return current.status


@dataclass(frozen=True)
class Letter:
    """How the outbox carries out one kind of row.

    ``send(row)`` runs outside any transaction: it renders and e-mails (with
    ``message_id(row)``) and returns the outcome (``sent``, ``no_email``,
    ``dropped``…). ``mark(row, outcome)`` runs in the marking transaction,
    with the row locked and still ``sending``: it saves the final status and
    whatever goes with it. ``load(row)`` may fetch what sending needs."""

    model: type[models.Model]
    send: Callable[[models.Model], str]
    mark: Callable[[models.Model, str], None]
    load: Callable[[models.Model], models.Model] = lambda row: row


def _mark(letter: Letter, row, outcome: str) -> bool:
    with transaction.atomic():
        current = letter.model.objects.select_for_update().filter(pk=row.pk).first()
        if current is None or current.status != SENDING or current.claimed_at != row.claimed_at:
            # Taken over after our claim went stale; the other sender marks it.
            return False
        letter.mark(row, outcome)
        return True


def send_pending(
    letter: Letter, result, *, limit: int | None = None, now: dt.datetime | None = None
):
    """Carry out every due row of ``letter.model`` once; ``result`` counts the
    outcomes (its ``failed`` counts failed tries). ``limit`` bounds the rows
    tried in this run; ``now`` fixes the clock (tests)."""

    def clock() -> dt.datetime:
        return now or timezone.now()

    after_id = 0
    tried = 0
    while limit is None or tried < limit:
        row = _claim_next(letter.model, after_id, clock())
        if row is None:
            break
        after_id = row.pk
        tried += 1
        try:
            row = letter.load(row)
            outcome = letter.send(row)
        except Exception as exc:  # SMTP refused, PDF failed…: try again later
            logger.exception("%s %s could not be sent", letter.model.__name__, row.pk)
            _record_failure(letter.model, row, exc, clock())
            result.failed += 1
            continue
        if _mark(letter, row, outcome):
            setattr(result, outcome, getattr(result, outcome) + 1)
    return result
