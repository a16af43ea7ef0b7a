"""Every sign-in, failure and lockout goes to the append-only LoginEvent log.

Django sends user_logged_in and user_login_failed for the login page and the
admin (and for a failed token request, through authenticate()); axes sends
user_locked_out when a failure reaches the limit.
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed

from salesadmin.security.client import client_ip
from salesadmin.security.models import LoginEventKind


def _where(request) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    ip = getattr(request, "axes_ip_address", None) or client_ip(request)
    return ip, getattr(request, "path", "") or ""


def _record(kind, username, request):
    from salesadmin.security.services import login_event_record

    ip, path = _where(request)
    login_event_record(kind=kind, username=username or "", ip_address=ip, path=path)


def on_logged_in(sender, request, user, **kwargs):
    _record(LoginEventKind.SUCCEEDED, user.get_username(), request)


def on_login_failed(sender, credentials, request=None, **kwargs):
    _record(LoginEventKind.FAILED, (credentials or {}).get("username"), request)


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    _record(LoginEventKind.LOCKED_OUT, username, request)


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="security.logged_in")
    user_login_failed.connect(on_login_failed, dispatch_uid="security.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="security.locked_out")
