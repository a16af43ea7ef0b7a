"""At sign-in, the session learns how long it may stay idle (by the user's roles)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in

from salesadmin.roles import Role, user_roles
from salesadmin.security.middleware import IDLE_TIMEOUT, LAST_SEEN


def idle_timeout_for(user) -> int:
    if Role.GATE_GUARD in user_roles(user):
        return min(settings.GATE_SESSION_IDLE_TIMEOUT, settings.SESSION_IDLE_TIMEOUT)
    return settings.SESSION_IDLE_TIMEOUT


def on_logged_in(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None:
        return
    session[IDLE_TIMEOUT] = idle_timeout_for(user)
    session[LAST_SEEN] = int(time.time())


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="security.session_idle")
