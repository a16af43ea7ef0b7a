"""Optional TOTP two-factor sign-in (django-otp) for finance and managers.

A user who has confirmed an authenticator app must give its current code at
every sign-in: the login page, the admin's and the API token's. A wrong or
missing code counts as a failed sign-in for the lockout, like a wrong password.
"""

from __future__ import annotations

import segno
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from salesadmin.errors import ApplicationError

PERMISSION = "security.setup_two_factor"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def check_code(*, user, code: str, request, credentials: dict) -> None:
    """Raise ApplicationError unless ``user`` needs no code or ``code`` is right."""
    with transaction.atomic():
        device = _locked_device(user, confirmed=True)
        if device is None:
            return
        code = _typed(code)
        if code and device.verify_token(code):
            return
    # Outside the transaction: the failure must be counted even though we refuse.
    user_login_failed.send(
        sender=__name__, credentials={"username": credentials.get("username")}, request=request
    )
    if not code:
        raise ApplicationError(
            _("Enter the 6-digit code from your authenticator app."), code="otp_required"
        )
    raise _wrong_code()


def _locked_device(user, *, confirmed: bool) -> TOTPDevice | None:
    return TOTPDevice.objects.select_for_update().filter(user=user, confirmed=confirmed).first()


def _typed(code: str | None) -> str:
    """The code as typed, without its spaces ("123 456" is 123456)."""
    return (code or "").strip().replace(" ", "")


def _wrong_code() -> ApplicationError:
    return ApplicationError(_("The authenticator code is wrong or expired."), code="otp_invalid")


def _verified_device(user, code: str, *, confirmed: bool) -> TOTPDevice:
    """The user's device (confirmed or being set up), locked, if ``code`` is
    right for it now; else refused as a wrong code. The caller's transaction
    holds the lock."""
    device = _locked_device(user, confirmed=confirmed)
    if device is None or not device.verify_token(_typed(code)):
        raise _wrong_code()
    return device


def pending_device(user) -> TOTPDevice:
    """The device being set up: kept until confirmed, so a reload shows the same QR."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=5, title=device.name)


def two_factor_confirm(*, user, code: str) -> TOTPDevice:
    with transaction.atomic():
        device = _verified_device(user, code, confirmed=False)
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return device


def two_factor_disable(*, user, code: str) -> None:
    with transaction.atomic():
        _verified_device(user, code, confirmed=True)
        TOTPDevice.objects.filter(user=user).delete()
