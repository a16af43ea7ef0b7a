"""Reads of notices: a user's own, how many are unread, and who is told what."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from notices.models import Notice


def users_with_perm(perm: str) -> QuerySet:
    """Active users holding ``perm`` through a group, directly, or as superuser."""
    app_label, codename = perm.split(".", 1)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(
                groups__permissions__content_type__app_label=app_label,
                groups__permissions__codename=codename,
            )
            | Q(
                user_permissions__content_type__app_label=app_label,
                user_permissions__codename=codename,
            )
        )
        .distinct()
    )


def managers() -> QuerySet:
    """Who is told about credit holds: whoever may set or release them."""
    return users_with_perm("customers.set_credit_hold")


def notices_for(*, user, unread_only: bool = False) -> QuerySet[Notice]:
    qs = Notice.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()
