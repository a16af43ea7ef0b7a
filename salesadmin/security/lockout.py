"""Brute-force protection on every way in, through django-axes.

Failures are counted by username and by client address (either reaching
``AXES_FAILURE_LIMIT`` locks). The wait grows: the first lockout lasts
``LOGIN_COOLOFF``; every further ``AXES_FAILURE_LIMIT`` failures while the
attempts are remembered doubles it, up to ``LOGIN_COOLOFF_MAX``. axes calls
``cool_off`` (its documented ``AXES_COOLOFF_TIME`` callable) when it records a
failure, to set the attempt's expiry, and when it checks a lock, and both see
the same failure count, so the two agree.
"""

from __future__ import annotations

import datetime as dt
import math

from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

from salesadmin.security.client import client_ip


def _live_attempts(*, username: str | None, ip_address: str | None):
    now = timezone.now()
    live = AccessAttempt.objects.filter(
        Q(expiration__isnull=True) | Q(expiration__expires_at__gt=now)
    )
    by = []
    if username:
        by.append(live.filter(username=username))
    if ip_address:
        by.append(live.filter(ip_address=ip_address))
    return by


def _who(request, credentials=None) -> tuple[str | None, str | None]:
    username = get_client_username(request, credentials)
    ip_address = getattr(request, "axes_ip_address", None) or client_ip(request)
    return (str(username) if username else None), ip_address


def failures(*, username: str | None, ip_address: str | None) -> int:
    """Live failures of the worse of the two counters, as axes counts them."""
    counts = [
        qs.aggregate(n=Sum("failures_since_start"))["n"] or 0
        for qs in _live_attempts(username=username, ip_address=ip_address)
    ]
    return max(counts, default=0)


def cool_off(request) -> dt.timedelta:
    base = dt.timedelta(seconds=settings.LOGIN_COOLOFF_SECONDS)
    ceiling = dt.timedelta(seconds=settings.LOGIN_COOLOFF_MAX_SECONDS)
    if request is None:
        return base
    username, ip_address = _who(request)
    limit = max(1, int(settings.AXES_FAILURE_LIMIT))
    rounds = max(1, failures(username=username, ip_address=ip_address) // limit)
    # 2 ** 20 already exceeds any sensible ceiling; the cap keeps the number small.
    return min(base * 2 ** min(rounds - 1, 20), ceiling)


def seconds_left(request, credentials=None) -> int:
    """How long until the lock lifts (for Retry-After and the message)."""
    username, ip_address = _who(request, credentials)
    latest = None
    for qs in _live_attempts(username=username, ip_address=ip_address):
        expires = qs.aggregate(at=Max("expiration__expires_at"))["at"]
        if expires is not None and (latest is None or expires > latest):
            latest = expires
    if latest is None:
        return int(cool_off(request).total_seconds())
    return max(1, math.ceil((latest - timezone.now()).total_seconds()))


def lockout_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed sign-ins. Try again in %(minutes)d minute, or ask a manager "
        "to lift the lock.",
        "Too many failed sign-ins. Try again in %(minutes)d minutes, or ask a manager "
        "to lift the lock.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """axes' AXES_LOCKOUT_CALLABLE: 429 with the wait, as JSON for the API and as a
    page for people."""
    seconds = seconds_left(request, credentials)
    message = lockout_message(seconds)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"code": "locked_out", "detail": message, "retry_after": seconds}, status=429
        )
    else:
        response = render(
            request,
            "security/locked_out.html",
            {"message": message, "failure_limit": get_failure_limit(request, credentials)},
            status=429,
        )
    response["Retry-After"] = str(seconds)
    return response
