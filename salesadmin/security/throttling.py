"""DRF throttles whose rates are read from ``API_THROTTLE_RATES`` when used.

DRF's own classes copy the rates once, at import; reading them on use lets an
operator's environment and a test's override_settings take effect. A throttled
call answers 429 ``{"code": "throttled", "detail": ...}`` with Retry-After
(the exception handler in salesadmin/api.py).
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from salesadmin.security.client import client_ip


class _RateFromSettings:
    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        # DRF's own believes any X-Forwarded-For (unless NUM_PROXIES is set), so a
        # client could pick a new address per call; ours only our proxies'.
        return client_ip(request) or ""


class AnonThrottle(_RateFromSettings, AnonRateThrottle):
    """Anonymous calls, by client address."""


class UserThrottle(_RateFromSettings, UserRateThrottle):
    """Signed-in calls, by user."""


class AuthTokenThrottle(_RateFromSettings, SimpleRateThrottle):
    """The token endpoint, by client address, whoever asks: stricter than the rest."""

    scope = "auth_token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
