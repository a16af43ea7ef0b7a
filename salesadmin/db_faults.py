"""How a database fault looks to a client: a 503 with a code, never a 500.

| fault                                              | status | code                   |
|----------------------------------------------------|--------|------------------------|
| lock timeout (55P03), statement timeout (57014),   | 503    | ``busy``               |
| deadlock (40P01), serialization failure (40001)    |        | + Retry-After          |
| PostgreSQL unreachable, restarting, shut down,     | 503    | ``database_unavailable`` |
| too many connections, connection lost (08…, 57P0x, |        | + Retry-After          |
| 53…, an OperationalError / InterfaceError without  |        |                        |
| SQLSTATE)                                          |        |                        |

The API answers JSON (``{"code", "detail"}``), pages a small page that needs
neither the database nor the session. The action's transaction was rolled
back by the exception leaving its ``atomic`` block: nothing is half done, and
a retry (with the same Idempotency-Key, salesadmin/idempotency) is safe.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

BUSY = "busy"
UNAVAILABLE = "database_unavailable"

_BUSY_SQLSTATES = {"55P03", "57014", "40P01", "40001"}
_UNAVAILABLE_SQLSTATES = {"57P01", "57P02", "57P03"}
_UNAVAILABLE_CLASSES = {"08", "53"}


def _sqlstate(exc: BaseException) -> str | None:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        state = getattr(exc, "sqlstate", None)
        if state:
            return state
        exc = exc.__cause__ or exc.__context__
    return None


def classify(exc: BaseException) -> str | None:
    """``busy``, ``database_unavailable`` or None (not a database fault we answer)."""
    if not isinstance(exc, OperationalError | InterfaceError):
        import psycopg

        if not isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
            return None
    state = _sqlstate(exc)
    if state in _BUSY_SQLSTATES:
        return BUSY
    if state is None or state in _UNAVAILABLE_SQLSTATES or state[:2] in _UNAVAILABLE_CLASSES:
        return UNAVAILABLE
    return None


def retry_after(code: str) -> int:
    return settings.DB_BUSY_RETRY_AFTER if code == BUSY else settings.DB_DOWN_RETRY_AFTER


def message(code: str) -> str:
    if code == BUSY:
        return _(
            "The system is busy with the same records right now. Nothing was saved; "
            "please try again in a moment."
        )
    return _(
        "The database cannot be reached right now. Nothing was saved; please try again in a moment."
    )


def log_fault(code: str, exc: BaseException, request) -> None:
    path = getattr(request, "path", "?")
    if code == BUSY:
        logger.warning("503 busy on %s: %s", path, str(exc).strip().splitlines()[0:1])
    else:
        logger.error("503 database unavailable on %s: %s", path, exc)


def api_response(code: str) -> JsonResponse:
    response = JsonResponse({"code": code, "detail": message(code)}, status=503)
    response["Retry-After"] = str(retry_after(code))
    return response


def page_response(code: str) -> HttpResponse:
    """A page that needs no database, no session and no context processor."""
    html = render_to_string(
        "errors/try_again.html",
        {"code": code, "message": message(code), "retry_after": retry_after(code)},
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(retry_after(code))
    response["Cache-Control"] = "no-store"
    return response


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def response_for(exc: BaseException, request) -> HttpResponse | None:
    """The 503 answer for a database fault, or None for any other exception."""
    code = classify(exc)
    if code is None:
        return None
    log_fault(code, exc, request)
    return api_response(code) if is_api(request) else page_response(code)
