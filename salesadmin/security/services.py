"""Writes of the security app: lifting a lockout, recording sign-in events."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.db import transaction
from django.utils.translation import gettext as _

from salesadmin.errors import ApplicationError
from salesadmin.security.models import LoginEvent, LoginEventKind


def login_event_record(
    *, kind: str, username: str = "", ip_address: str | None = None, path: str = "", actor=None
) -> LoginEvent:
    return LoginEvent.objects.create(
        kind=kind,
        username=(username or "")[:150],
        ip_address=ip_address,
        path=(path or "")[:255],
        actor=actor,
    )


def lockout_release(*, actor, username: str = "", ip_address: str = "") -> int:
    """Forget the failures counted against a username or a client address, so it
    may sign in again at once; the release is logged with who lifted it."""
    if bool(username) == bool(ip_address):
        raise ApplicationError(_("Name either a username or a client address."), code="invalid")
    with transaction.atomic():
        attempts = AccessAttempt.objects.filter(
            **({"username": username} if username else {"ip_address": ip_address})
        )
        count, _details = attempts.delete()
        login_event_record(
            kind=LoginEventKind.RELEASED,
            username=username,
            ip_address=ip_address or None,
            actor=actor,
        )
    return count
