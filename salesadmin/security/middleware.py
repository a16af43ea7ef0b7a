"""Request-level guards: NUL bytes refused, sessions that end when idle."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.utils.translation import gettext as _

from salesadmin.security.errors import bad_request

NUL = "\x00"

LAST_SEEN = "security_last_seen"
IDLE_TIMEOUT = "security_idle_timeout"
# The last-seen time is written at most this often: not a session write per request.
LAST_SEEN_GRANULARITY = 60


def _has_nul(values) -> bool:
    return any(NUL in key or any(NUL in v for v in vals) for key, vals in values.lists())


class RefuseNulBytesMiddleware:
    """A NUL byte in the path, the query string or a form is a 400 here. PostgreSQL
    cannot store or compare it, so it would otherwise fail deep in a query."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._carries_nul(request):
            return bad_request(request, None, detail=_("NUL characters are not allowed."))
        return self.get_response(request)

    def _carries_nul(self, request) -> bool:
        if NUL in request.path_info or _has_nul(request.GET):
            return True
        if request.method != "POST" or request.content_type not in self.FORM_TYPES:
            return False
        if request.content_type == "multipart/form-data" and request.path_info.startswith("/api/"):
            # Parsing a multipart body here would use up its stream, and the API's
            # parsers could no longer answer for it (415 where JSON is expected).
            return False
        return _has_nul(request.POST)


class SessionIdleTimeoutMiddleware:
    """Signs a session out after ``SESSION_IDLE_TIMEOUT`` seconds without a request
    (``GATE_SESSION_IDLE_TIMEOUT`` for the gate guard's shared phone). The timeout
    is chosen at sign-in (salesadmin.security.sessions), so this reads only the
    session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            now = int(time.time())
            last = session.get(LAST_SEEN)
            timeout = session.get(IDLE_TIMEOUT, settings.SESSION_IDLE_TIMEOUT)
            if last is not None and now - last > timeout:
                logout(request)
                messages.info(request, _("You were signed out after a time without activity."))
            elif last is None or now - last >= LAST_SEEN_GRANULARITY:
                session[LAST_SEEN] = now
        return self.get_response(request)
