"""In-app notices (salesadmin.models.Notice): written by services, read on /notices/.

The message is stored in English with its parameters (mark it with
``gettext_noop``) and translated when shown, so each reader sees it in their
own language.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from salesadmin.models import Notice


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


def notice_send(
    *,
    recipients: Iterable,
    kind: str,
    message: str,
    params: dict | None = None,
    link: str = "",
) -> list[Notice]:
    """One notice per distinct recipient (users or user ids; None is skipped)."""
    ids = []
    for recipient in recipients:
        if recipient is None:
            continue
        pk = recipient if isinstance(recipient, int) else recipient.pk
        if pk not in ids:
            ids.append(pk)
    return Notice.objects.bulk_create(
        [
            Notice(recipient_id=pk, kind=kind, message=message, params=params or {}, link=link)
            for pk in ids
        ]
    )


def notices_for(*, user, unread_only: bool = False) -> QuerySet[Notice]:
    qs = Notice.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def notices_mark_read(*, user, notice_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notices read (all unread ones when no ids are given)."""
    qs = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if notice_ids is not None:
        qs = qs.filter(pk__in=list(notice_ids))
    return qs.update(read_at=timezone.now())
