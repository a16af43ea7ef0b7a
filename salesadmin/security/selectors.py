"""Reads for the managers' sign-in security page."""

from __future__ import annotations

from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q, Sum
from django.utils import timezone

from salesadmin.security.models import LoginEvent


@dataclass(frozen=True)
class Lockout:
    username: str
    ip_address: str
    failures: int
    last_attempt: object
    expires_at: object


def active_lockouts() -> list[Lockout]:
    """Usernames and client addresses whose live failures reached the limit."""
    now = timezone.now()
    live = AccessAttempt.objects.filter(
        Q(expiration__isnull=True) | Q(expiration__expires_at__gt=now)
    )
    limit = settings.AXES_FAILURE_LIMIT
    found = []
    for field in ("username", "ip_address"):
        rows = (
            live.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(
                failures=Sum("failures_since_start"),
                last_attempt=Max("attempt_time"),
                expires_at=Max("expiration__expires_at"),
            )
            .filter(failures__gte=limit)
            .order_by("-last_attempt")
        )
        for row in rows:
            found.append(
                Lockout(
                    username=row[field] if field == "username" else "",
                    ip_address=row[field] if field == "ip_address" else "",
                    failures=row["failures"],
                    last_attempt=row["last_attempt"],
                    expires_at=row["expires_at"],
                )
            )
    return sorted(found, key=lambda lock: lock.last_attempt, reverse=True)


def recent_login_events(*, limit: int = 100):
    return LoginEvent.objects.select_related("actor")[:limit]
