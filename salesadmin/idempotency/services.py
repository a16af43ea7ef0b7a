"""Safe retries (issue 18): a write sent with an Idempotency-Key acts once.

The rules, for one user and one key:

- The first request claims the key (INSERT … ON CONFLICT DO NOTHING on a
  unique index), runs the action and stores its answer (status, body, a few
  headers) in the SAME transaction. A committed action therefore always has
  its answer stored: a worker killed after COMMIT but before replying leaves
  nothing to guess, and the client's retry gets the answer it missed.
- A retry with the same method, path and body gets the stored answer,
  byte for byte, with ``Idempotent-Replayed: true``.
- The same key with another method, path or body is refused: 422
  ``idempotency_key_reused``.
- A retry while the first is still running waits for it (PostgreSQL makes the
  second INSERT wait on the first's transaction) up to the lock timeout, then
  answers 409 ``idempotency_in_progress``.
- Answers that say "not done, try again" are not stored, and the key's claim
  is rolled back with the action: 5xx (busy, database down, crash), 401, 409
  (lost a race, wrong state), 403 (refused before acting: CSRF, role), 429.
  Everything else (2xx, 3xx, other 4xx) is.
- Keys are kept at least ``IDEMPOTENCY_KEY_TTL`` (48 h); a beat job purges
  older ones (``idempotency_keys_purge``).

Holding the whole request in one transaction also holds the action's row
locks until its answer is rendered: a few milliseconds more per keyed write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from salesadmin import db_faults
from salesadmin.idempotency.models import IdempotencyKey

HEADER = "Idempotency-Key"
FORM_FIELD = "idempotency_key"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NOT_STORED = frozenset({401, 403, 408, 409, 423, 425, 429})
KEPT_HEADERS = ("Location", "Content-Disposition")
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Fingerprint:
    method: str
    path: str
    body_hash: str


def body_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def valid_key(key: str) -> bool:
    """1–255 visible ASCII characters (a UUID, as clients usually send)."""
    return 0 < len(key) <= MAX_KEY_LENGTH and all(33 <= ord(c) <= 126 for c in key)


def _claim(user_id: int, key: str, fingerprint: Fingerprint) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO idempotency_idempotencykey
                (user_id, key, method, path, body_hash, status_code, content_type,
                 headers, response_body, created_at)
            VALUES (%s, %s, %s, %s, %s, NULL, '', '{}', ''::bytea, %s)
            ON CONFLICT (user_id, key) DO NOTHING
            RETURNING id
            """,
            [
                user_id,
                key,
                fingerprint.method,
                fingerprint.path[:500],
                fingerprint.body_hash,
                timezone.now(),
            ],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _kept_headers(response: HttpResponse) -> dict[str, str]:
    return {
        name: value
        for name, value in response.items()
        if name in KEPT_HEADERS or name.lower().startswith("hx-")
    }


def _store(pk: int, response: HttpResponse) -> None:
    body = b"" if getattr(response, "streaming", False) else response.content
    IdempotencyKey.objects.filter(pk=pk).update(
        status_code=response.status_code,
        content_type=response.get("Content-Type", ""),
        headers=_kept_headers(response),
        response_body=body,
    )


def replay(stored: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(
        bytes(stored.response_body), status=stored.status_code, content_type=stored.content_type
    )
    for name, value in stored.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def refusal(*, api: bool, status: int, code: str, detail: str) -> HttpResponse:
    if api:
        return JsonResponse({"code": code, "detail": detail}, status=status)
    html = render_to_string(
        "errors/try_again.html", {"code": code, "message": detail, "retry_after": None}
    )
    return HttpResponse(html, status=status)


def _reused(api: bool) -> HttpResponse:
    return refusal(
        api=api,
        status=422,
        code="idempotency_key_reused",
        detail=_(
            "This Idempotency-Key was already used for a different request. "
            "Send a new key for a new request."
        ),
    )


def _in_progress(api: bool) -> HttpResponse:
    response = refusal(
        api=api,
        status=409,
        code="idempotency_in_progress",
        detail=_("The same request is still being processed. Try again in a moment."),
    )
    response["Retry-After"] = str(settings.DB_BUSY_RETRY_AFTER)
    return response


def run_once(
    *,
    user_id: int,
    key: str,
    fingerprint: Fingerprint,
    respond: Callable[[], HttpResponse],
    api: bool,
) -> HttpResponse:
    """Answer a keyed write: the stored answer if the key was used, else
    ``respond()`` (the view) in a transaction that also stores its answer."""
    claiming = True
    try:
        with transaction.atomic():
            claimed = _claim(user_id, key, fingerprint)
            claiming = False
            if claimed is None:
                stored = IdempotencyKey.objects.get(user_id=user_id, key=key)
                if Fingerprint(stored.method, stored.path, stored.body_hash) != fingerprint:
                    return _reused(api)
                if stored.status_code is None:  # cannot be committed so; never guess
                    return _in_progress(api)
                return replay(stored)
            response = respond()
            if response.status_code >= 500 or response.status_code in NOT_STORED:
                transaction.set_rollback(True)  # nothing stays done; the key is free again
            else:
                _store(claimed, response)
            return response
    except OperationalError as exc:
        # The first request with this key still holds it: we waited the lock timeout.
        if claiming and db_faults.classify(exc) == db_faults.BUSY:
            return _in_progress(api)
        raise


def idempotency_keys_purge(*, now: dt.datetime | None = None, batch: int = 5000) -> int:
    """Delete keys older than ``IDEMPOTENCY_KEY_TTL``, in batches; returns how many."""
    cutoff = (now or timezone.now()) - settings.IDEMPOTENCY_KEY_TTL
    deleted = 0
    while True:
        ids = list(
            IdempotencyKey.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[
                :batch
            ]
        )
        if not ids:
            return deleted
        deleted += IdempotencyKey.objects.filter(pk__in=ids).delete()[0]
